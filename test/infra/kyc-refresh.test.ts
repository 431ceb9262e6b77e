// CDK assertions of F1's refresh workflow and business route: the kyc-refresh state machine loaded from its ASL
// file with its one task, started daily by an EventBridge Scheduler schedule whose own role may start that state
// machine only (assumed by the scheduler service for this account alone); the task's role (the KYC rows and the
// user-mail function, no vault, no scan); the business route sealing through the vault and starting screening.
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_SCHEDULES } from '../../lambdas/catalogue.js';
import {
  actionsOf,
  getAttArn,
  logicalId,
  resourcesOf,
  roleStatements,
  type Synthesised,
  sharedSynth,
} from './palisade-app.js';

let s: Synthesised;
beforeAll(() => {
  s = sharedSynth();
});

const machine = () => {
  const found = s.primary.workflows.stateMachines.get('kyc-refresh');
  if (!found) throw new Error('no kyc-refresh state machine');
  return found;
};
const fnOf = (id: string) => {
  const fn = s.primary.functions.get(id);
  if (!fn) throw new Error(`no ${id}`);
  return fn;
};
const envOf = (id: string) => {
  const cfn = fnOf(id).fn.node.defaultChild as CfnFunction;
  return (Stack.of(fnOf(id)).resolve(cfn.environment) as { variables: Record<string, unknown> }).variables;
};

describe('F1 the KYC refresh in AWS', () => {
  it('F1 the kyc-refresh state machine runs statemachines/kyc-refresh.asl.json with SweepKycRefresh bound', () => {
    const props = s.merged.findResources('AWS::StepFunctions::StateMachine')[logicalId(machine())]
      ?.Properties;
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.DefinitionSubstitutions).toEqual({
      SweepKycRefreshFunctionArn: getAttArn(fnOf('SweepKycRefresh').fn),
    });
  });

  it('F1 an EventBridge Scheduler schedule starts it every 24 hours through a role that may start it and nothing else', () => {
    expect(WORKFLOW_SCHEDULES).toEqual([{ workflow: 'kyc-refresh', everyHours: 24 }]);
    const built = s.primary.workflowSchedules.schedules.get('kyc-refresh');
    if (!built) throw new Error('no schedule');
    const schedules = s.merged.findResources('AWS::Scheduler::Schedule');
    expect(Object.keys(schedules)).toEqual([logicalId(built.schedule)]);
    const props = schedules[logicalId(built.schedule)]?.Properties;
    expect(props.ScheduleExpression).toBe('rate(24 hours)');
    expect(props.State).toBe('ENABLED');
    expect(props.Target.Arn).toEqual({ Ref: logicalId(machine()) });
    expect(props.Target.RoleArn).toEqual(getAttArn(built.role));
    const role = s.merged.findResources('AWS::IAM::Role')[logicalId(built.role)]?.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const { statements, managedPolicies } = roleStatements(s.merged, logicalId(built.role));
    expect(managedPolicies).toEqual([]);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: logicalId(machine()) } },
    ]);
  });

  it('F1 E2 the sweep task writes the KYC rows and mails through the user-mail function, and never holds the vault', () => {
    const { statements } = roleStatements(s.merged, logicalId(fnOf('SweepKycRefresh').role));
    const actions = statements.filter((st) => st.Effect === 'Allow').flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'lambda:InvokeFunction']),
    );
    expect(actions).not.toContain('dynamodb:Scan');
    const invoked = statements
      .filter((st) => actionsOf(st).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    expect(invoked).not.toContain(JSON.stringify(getAttArn(s.primary.vault.fn)));
    expect(Object.keys(envOf('SweepKycRefresh'))).toEqual(expect.arrayContaining(['USER_MAIL_FUNCTION']));
    expect(Object.keys(envOf('SweepKycRefresh'))).not.toContain('VAULT_FUNCTION');
  });

  it('F1 E2 the business route seals through the vault and starts the owners’ screenings', () => {
    const env = envOf('SubmitKycBusiness');
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['VAULT_FUNCTION', 'STATE_MACHINES']));
    const { statements } = roleStatements(s.merged, logicalId(fnOf('SubmitKycBusiness').role));
    const starts = statements.filter((st) => actionsOf(st).includes('states:StartExecution'));
    expect(JSON.stringify(starts.flatMap(resourcesOf))).toContain(
      logicalId(s.primary.workflows.stateMachines.get('screening') as never),
    );
  });
});
