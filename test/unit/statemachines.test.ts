// Every workflow file is valid Amazon States Language and binds exactly the tasks the catalogue declares.
import { readdirSync, readFileSync } from 'node:fs';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../../lambdas/catalogue.js';

const files = readdirSync('statemachines').filter((f) => f.endsWith('.asl.json'));

describe('statemachines/*.asl.json', () => {
  it.each(files)('I2 %s passes asl-validator', (file) => {
    const definition = JSON.parse(readFileSync(`statemachines/${file}`, 'utf8'));
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('I2 every file belongs to one catalogue workflow and every substitution is bound', () => {
    expect(files.map((f) => `statemachines/${f}`).sort()).toEqual(WORKFLOWS.map((w) => w.file).sort());
    for (const workflow of WORKFLOWS) {
      const text = readFileSync(workflow.file, 'utf8');
      const keys = [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
      expect(keys, workflow.file).toEqual(Object.keys(workflow.tasks).sort());
    }
  });
});

describe('C3 statemachines/withdrawal.asl.json', () => {
  type State = Record<string, unknown> & { Type: string; Next?: string; Default?: string };
  const load = (file: string) =>
    JSON.parse(readFileSync(`statemachines/${file}`, 'utf8')) as {
      StartAt: string;
      States: Record<string, State>;
    };
  const targets = (state: State): string[] => [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
    ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
  ];

  it('C3 passes asl-validator and every state is reachable from the screening', () => {
    const machine = load('withdrawal.asl.json');
    expect(aslValidator(machine).isValid).toBe(true);
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const next of targets(machine.States[name] as State)) walk(next);
    };
    walk(machine.StartAt);
    expect([...seen].sort()).toEqual(Object.keys(machine.States).sort());
  });

  it('C3 the review waits on a task token kept in the payload only, times out by the setting, and catches both ends', () => {
    const review = load('withdrawal.asl.json').States.AwaitAnAdminDecision as State;
    expect(review.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect((review.Parameters as { Payload: Record<string, string> }).Payload['taskToken.$']).toBe(
      '$$.Task.Token',
    );
    expect(review.TimeoutSecondsPath).toBe('$.screen.reviewTimeoutSeconds');
    const catches = Object.fromEntries(
      (review.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [c.ErrorEquals.join(), c.Next]),
    );
    expect(catches).toEqual({
      'States.Timeout': 'RejectAfterTheReviewTimedOut',
      WithdrawalCancelled: 'TheWithdrawalWasCancelled',
    });
  });

  it('C3 the suspension cancels withdrawals after recording itself and before the notice', () => {
    const machine = load('account-suspension.asl.json');
    expect(machine.States.RecordTheSuspension?.Next).toBe('CancelTheWithdrawals');
    const order: string[] = [];
    for (let name: string | undefined = machine.StartAt; name; name = machine.States[name]?.Next)
      order.push(name);
    expect(order.indexOf('CancelTheWithdrawals')).toBeLessThan(order.indexOf('TellTheUser'));
    expect(machine.States.CancelTheWithdrawals?.ResultPath).toBe('$.withdrawals');
  });
});
