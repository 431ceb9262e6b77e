// Users (D5): a user's account as admins see it (personal data masked unless a reveal is in force), and the
// account actions this admin's tiers may request, each through the approval plane with a reason.
import { useEffect, useState } from 'preact/hooks';
import type { AdminUserResponse, RequestView } from '../../lambdas/admin/contracts.js';
import { RequestAction } from './action-form.js';
import { call, type Session } from './api.js';
import { revealableFields, userActions } from './tiers.js';
import { Done, Field, Problem } from './ui.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** The sign-up's rule (lambdas/auth/contracts.ts `username`). */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]$/;

/** GET /v1/admin/users?username= (lambdas/admin/find-user-contracts.ts, not imported: it reads auth modules). */
interface FoundUser {
  userId: string;
  username: string;
  status: 'active' | 'suspended';
}

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', timeZoneName: 'short' });

export function UsersPage({ session }: { session: Session }) {
  const [user, setUser] = useState<AdminUserResponse | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function fetchUser(path: `/v1/admin/${string}`, what: string) {
    const answer = await call<AdminUserResponse>('GET', path);
    if (answer.ok) setUser(answer.body);
    else setError(answer.error.status === 404 ? `No user has that ${what}.` : answer.error.message);
  }
  const byId = (id: string) => fetchUser(`/v1/admin/users/${encodeURIComponent(id)}`, 'id');

  async function find(event: Event, by: 'username' | 'userId') {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = String(form.get(by)).trim();
    setError(undefined);
    setUser(undefined);
    if (by === 'userId') {
      if (!ID.test(value)) return setError('A user id is letters, digits, - and _.');
      return byId(value);
    }
    if (!USERNAME.test(value)) return setError('A username is 3 to 32 letters, digits, dots, - and _.');
    // The name is resolved to the id (an audited lookup), then the user is read by id (an audited read).
    const found = await call<FoundUser>('GET', `/v1/admin/users?username=${encodeURIComponent(value)}`);
    if (!found.ok) {
      return setError(found.error.status === 404 ? 'No user has that username.' : found.error.message);
    }
    await byId(found.body.userId);
  }

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <search class="finders">
        <form class="inline" onSubmit={(e) => find(e, 'username')} aria-label="Find a user by username">
          <Field label="Username" name="username" required maxLength={32} autoComplete="off" />
          <button type="submit">Find by username</button>
        </form>
        <form class="inline" onSubmit={(e) => find(e, 'userId')} aria-label="Find a user by id">
          <Field label="User id" name="userId" required maxLength={128} autoComplete="off" />
          <button type="submit">Find by id</button>
        </form>
      </search>
      <Problem message={error} />
      {user && <UserView key={user.userId} user={user} session={session} reload={() => byId(user.userId)} />}
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
          <dt>Last security change</dt>
          <dd>
            {user.lastSecurityChange
              ? `${user.lastSecurityChange.kind} at ${when(user.lastSecurityChange.at)}`
              : 'none recorded'}
          </dd>
          <dt>KYC level</dt>
          <dd data-testid="kyc-level">
            {user.kyc
              ? `${user.kyc.level}${user.kyc.refreshDueAt ? ` (refresh due ${user.kyc.refreshDueAt})` : ''}`
              : 'no KYC record (default level)'}
          </dd>
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
      <Activity user={user} />
      {actions.length > 0 && <RequestAction userId={user.userId} actions={actions} />}
      {revealable.length > 0 && <RequestReveal userId={user.userId} fields={revealable} />}
    </>
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

/** Sessions, devices and the newest logins: what a takeover leaves behind (addresses masked by the server). */
export function Activity({ user, logins = true }: { user: AdminUserResponse; logins?: boolean }) {
  return (
    <article class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Sessions, devices and logins</h2>
      <table class="list" data-testid="user-sessions">
        <caption>Live sessions</caption>
        <thead>
          <tr>
            <th scope="col">Opened</th>
            <th scope="col">Expires</th>
            <th scope="col">From</th>
            <th scope="col">Device</th>
          </tr>
        </thead>
        <tbody>
          {user.sessions.length === 0 ? (
            <tr>
              <td colSpan={4}>No live session.</td>
            </tr>
          ) : (
            user.sessions.map((s) => (
              <tr key={s.sessionId}>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.expiresAt)}</td>
                <td>{s.ip ?? 'unknown'}</td>
                <td>{s.device}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      <table class="list" data-testid="user-devices">
        <caption>Whitelisted devices</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Added</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {user.devices.length === 0 ? (
            <tr>
              <td colSpan={3}>No device.</td>
            </tr>
          ) : (
            user.devices.map((d) => (
              <tr key={`${d.addedAt}-${d.name}`}>
                <td>{d.name}</td>
                <td>{when(d.addedAt)}</td>
                <td>{when(d.lastSeenAt)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {logins && <Logins user={user} />}
    </article>
  );
}

export function Logins({ user }: { user: AdminUserResponse }) {
  return (
    <table class="list" data-testid="user-logins">
      <caption>Recent logins</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">From</th>
          <th scope="col">Country</th>
          <th scope="col">Browser</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {user.logins.length === 0 ? (
          <tr>
            <td colSpan={5}>No login yet.</td>
          </tr>
        ) : (
          user.logins.map((l) => (
            <tr key={l.at}>
              <td>{when(l.at)}</td>
              <td>{l.ip}</td>
              <td>{l.country ?? 'unknown'}</td>
              <td>{l.browser}</td>
              <td>{l.outcome === 'success' ? 'signed in' : `refused (${l.reason ?? 'unknown'})`}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
