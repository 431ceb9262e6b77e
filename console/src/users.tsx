// Users (D5): a user's account as admins see it (personal data masked unless a reveal is in force), and the
// account actions this admin's tiers may request, each through the approval plane with a reason.
import { useEffect, useState } from 'preact/hooks';
import type { AdminUserResponse, RequestView } from '../../lambdas/admin/contracts.js';
import type { AdminAction } from '../../lambdas/kernel/settings.js';
import { call, type Session } from './api.js';
import { ACTION_TITLES, revealableFields, userActions } from './tiers.js';
import { Done, Field, Problem } from './ui.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function UsersPage({ session }: { session: Session }) {
  const [user, setUser] = useState<AdminUserResponse | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function fetchUser(id: string) {
    const answer = await call<AdminUserResponse>('GET', `/v1/admin/users/${encodeURIComponent(id)}`);
    if (answer.ok) setUser(answer.body);
    else setError(answer.error.status === 404 ? 'No user has that id.' : answer.error.message);
  }

  async function find(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const id = String(form.get('userId')).trim();
    setError(undefined);
    setUser(undefined);
    if (!ID.test(id)) return setError('A user id is letters, digits, - and _.');
    await fetchUser(id);
  }

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <search>
        <form class="inline" onSubmit={find} aria-label="Find a user">
          <Field label="User id" name="userId" required maxLength={128} autoComplete="off" />
          <button type="submit">Find</button>
        </form>
      </search>
      <Problem message={error} />
      {user && (
        <UserView key={user.userId} user={user} session={session} reload={() => fetchUser(user.userId)} />
      )}
    </section>
  );
}

function UserView({
  user,
  session,
  reload,
}: {
  user: AdminUserResponse;
  session: Session;
  reload: () => Promise<void>;
}) {
  const actions = userActions(session.tiers);
  const revealable = revealableFields(session.tiers);
  // A revealed field is shown only while its grant lasts: at the first end, the page reads the user again.
  const firstEnd = Math.min(...user.revealed.map((r) => Date.parse(r.until)));
  useEffect(() => {
    if (!Number.isFinite(firstEnd)) return;
    const timer = setTimeout(() => void reload(), Math.max(0, firstEnd - Date.now()) + 500);
    return () => clearTimeout(timer);
  }, [firstEnd, reload]);
  return (
    <>
      <article class="card" aria-labelledby="user-title">
        <h2 id="user-title">
          {user.username} <span class={`badge ${user.status}`}>{user.status}</span>
        </h2>
        <dl class="facts" data-testid="user-profile">
          <dt>User id</dt>
          <dd>
            <code>{user.userId}</code>
          </dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Phone</dt>
          <dd>{user.phone ?? 'none'}</dd>
          <dt>Created</dt>
          <dd>{user.createdAt}</dd>
          {user.suspendedAt && (
            <>
              <dt>Suspended</dt>
              <dd>
                {user.suspendedAt}
                {user.suspensionReason ? ` (${user.suspensionReason})` : ''}
              </dd>
            </>
          )}
          <dt>Security hold</dt>
          <dd>{user.hold.active ? `active until ${user.hold.endsAt ?? 'lifted'}` : 'none'}</dd>
          <dt>Withdrawal limits</dt>
          <dd>
            {user.withdrawalLimits && Object.keys(user.withdrawalLimits).length > 0
              ? Object.entries(user.withdrawalLimits).map(([asset, l]) => (
                  <span key={asset} class="param">
                    {asset}: {l.daily} a day, {l.monthly} a month
                  </span>
                ))
              : 'defaults'}
          </dd>
          <dt>Revealed fields</dt>
          <dd>
            {user.revealed.length === 0
              ? 'none (personal data masked)'
              : user.revealed.map((r) => `${r.field} until ${r.until}`).join('; ')}
          </dd>
        </dl>
      </article>
      {actions.length > 0 && <RequestAction userId={user.userId} actions={actions} />}
      {revealable.length > 0 && <RequestReveal userId={user.userId} fields={revealable} />}
    </>
  );
}

function RequestAction({ userId, actions }: { userId: string; actions: AdminAction[] }) {
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const action = String(form.get('action')) as AdminAction;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    const answer = await call<RequestView>('POST', '/v1/admin/requests', {
      action,
      target: { kind: 'user', id: userId },
      parameters: {},
      reason: String(form.get('reason')),
    });
    setBusy(false);
    if (!answer.ok) return setError(`${answer.error.message} (${answer.error.code})`);
    formElement.reset();
    setDone(
      `Requested: ${ACTION_TITLES[action]}. It waits for ${answer.body.policy.approvals} approval(s) from ${answer.body.policy.approverTiers.join(', ')}.`,
    );
  }

  return (
    <article class="card" aria-labelledby="request-title">
      <h2 id="request-title">Request an action</h2>
      <p class="hint">Every action needs another admin's approval before it runs.</p>
      <form onSubmit={submit} aria-label="Request an action">
        <div class="field">
          <label for="action">Action</label>
          <select id="action" name="action" required>
            {actions.map((a) => (
              <option key={a} value={a}>
                {ACTION_TITLES[a]}
              </option>
            ))}
          </select>
        </div>
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

function RequestReveal({ userId, fields }: { userId: string; fields: readonly string[] }) {
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  async function submit(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const chosen = form.getAll('field').map(String);
    setError(undefined);
    setDone(undefined);
    if (chosen.length === 0) return setError('Choose at least one field.');
    const answer = await call<RequestView>('POST', '/v1/admin/requests', {
      action: 'reveal-personal-data',
      target: { kind: 'user', id: userId },
      parameters: { fields: chosen, windowMinutes: Number(form.get('windowMinutes')) },
      reason: String(form.get('revealReason')),
    });
    if (!answer.ok) return setError(`${answer.error.message} (${answer.error.code})`);
    formElement.reset();
    setDone(
      `Reveal requested (${chosen.join(', ')}). Once approved, find the user again to see it while it lasts.`,
    );
  }

  return (
    <article class="card" aria-labelledby="reveal-title">
      <h2 id="reveal-title">Request a reveal</h2>
      <p class="hint">
        Personal data is shown in clear only after another admin approves, and only for a while.
      </p>
      <form onSubmit={submit} aria-label="Request a reveal">
        <fieldset>
          <legend>Fields</legend>
          {fields.map((f) => (
            <label key={f} class="check">
              <input type="checkbox" name="field" value={f} /> {f}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="window">For how long</label>
          <select id="window" name="windowMinutes">
            <option value="1">1 minute</option>
            <option value="5">5 minutes</option>
            <option value="15">15 minutes</option>
          </select>
        </div>
        <Field
          label="Reason for the reveal"
          name="revealReason"
          multiline
          required
          minLength={3}
          maxLength={500}
        />
        <Problem message={error} />
        <Done message={done} />
        <button type="submit">Request reveal</button>
      </form>
    </article>
  );
}
