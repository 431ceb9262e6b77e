// D2/X5: the request form of the actions on a user: the action, its parameters (the fields the action's schema
// names, validated in the page by that very schema, lambdas/admin/action-parameters.ts, before anything is
// sent; the plane checks again) and a reason. Every action waits for another admin's approval.
import { useState } from 'preact/hooks';
import { USER_PARAMETER_SCHEMAS, type UserParameterAction } from '../../lambdas/admin/action-parameters.js';
import type { RequestView } from '../../lambdas/admin/contracts.js';
import { ASSET_IDS } from '../../lambdas/kernel/assets.js';
import type { AdminAction } from '../../lambdas/kernel/settings.js';
import { KYC_LEVELS, REVIEWABLE_REQUIREMENTS } from '../../lambdas/kyc/contracts.js';
import { call } from './api.js';
import { problemsOf } from './parameters.js';
import { ACTION_TITLES } from './tiers.js';
import { Done, Field, Problem } from './ui.js';

const hasParameters = (action: AdminAction): action is UserParameterAction =>
  action in USER_PARAMETER_SCHEMAS;

/** The form's values as the action's parameters (strings as typed, trimmed). */
function parametersFrom(action: AdminAction, form: FormData): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  switch (action) {
    case 'change-user-email':
      return { email: text('email') };
    case 'change-user-phone':
      return { phone: text('phone') };
    case 'change-withdrawal-limits':
      return { asset: text('asset'), daily: text('daily'), monthly: text('monthly') };
    case 'review-kyc-requirement':
      return { requirement: text('requirement'), outcome: text('outcome') };
    case 'set-kyc-level':
      return { level: text('level') };
    default:
      return {};
  }
}

/** A required choice among a schema's own values. */
function Choice({ label, name, options }: { label: string; name: string; options: readonly string[] }) {
  return (
    <div class="field">
      <label for={`choice-${name}`}>{label}</label>
      <select id={`choice-${name}`} name={name} required>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function ParameterFields({ action }: { action: AdminAction }) {
  switch (action) {
    case 'change-user-email':
      return <Field label="New email" name="email" required maxLength={254} autoComplete="off" />;
    case 'change-user-phone':
      return (
        <Field
          label="New phone"
          name="phone"
          hint="International format, e.g. +41791234567"
          required
          maxLength={16}
          autoComplete="off"
        />
      );
    case 'change-withdrawal-limits':
      return (
        <fieldset>
          <legend>New limits</legend>
          <div class="field">
            <label for="limit-asset">Asset</label>
            <select id="limit-asset" name="asset" required>
              {ASSET_IDS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </div>
          <Field label="Daily limit" name="daily" hint="A decimal such as 2.5" required inputMode="numeric" />
          <Field label="Monthly limit" name="monthly" required inputMode="numeric" />
        </fieldset>
      );
    case 'review-kyc-requirement':
      return (
        <fieldset>
          <legend>KYC review</legend>
          <Choice label="Requirement" name="requirement" options={REVIEWABLE_REQUIREMENTS} />
          <Choice label="Outcome" name="outcome" options={['approve', 'reject']} />
        </fieldset>
      );
    case 'set-kyc-level':
      return <Choice label="KYC level" name="level" options={KYC_LEVELS} />;
    default:
      return null;
  }
}

export function RequestAction({ userId, actions }: { userId: string; actions: AdminAction[] }) {
  const [action, setAction] = useState<AdminAction>(actions[0] as AdminAction);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const chosen = String(form.get('action')) as AdminAction;
    const parameters = parametersFrom(chosen, form);
    setError(undefined);
    setDone(undefined);
    if (hasParameters(chosen)) {
      const problems = problemsOf(USER_PARAMETER_SCHEMAS[chosen], parameters);
      if (problems) return setError(problems);
    }
    setBusy(true);
    const answer = await call<RequestView>('POST', '/v1/admin/requests', {
      action: chosen,
      target: { kind: 'user', id: userId },
      parameters,
      reason: String(form.get('reason')),
    });
    setBusy(false);
    if (!answer.ok) return setError(`${answer.error.message} (${answer.error.code})`);
    formElement.reset();
    setAction(actions[0] as AdminAction);
    setDone(
      `Requested: ${ACTION_TITLES[chosen]}. It waits for ${answer.body.policy.approvals} approval(s) from ${answer.body.policy.approverTiers.join(', ')}.`,
    );
  }

  return (
    <article class="card" aria-labelledby="request-title">
      <h2 id="request-title">Request an action</h2>
      <p class="hint">Every action needs another admin's approval before it runs.</p>
      <form onSubmit={submit} aria-label="Request an action">
        <div class="field">
          <label for="action">Action</label>
          <select
            id="action"
            name="action"
            required
            value={action}
            onChange={(e) => setAction((e.currentTarget as HTMLSelectElement).value as AdminAction)}
          >
            {actions.map((a) => (
              <option key={a} value={a}>
                {ACTION_TITLES[a]}
              </option>
            ))}
          </select>
        </div>
        <ParameterFields action={action} />
        <Field label="Reason" name="reason" multiline required minLength={3} maxLength={500} />
        <Problem message={error} />
        <Done message={done} />
        <button type="submit" disabled={busy}>
          Send request
        </button>
      </form>
    </article>
  );
}
