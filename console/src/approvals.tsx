// Approvals (D2): the pending requests this admin may approve now, each with everything the approver signs
// off: action, target (masked), parameters (masked by the server), reason, requester, approvals so far,
// policy and the payload hash. Approving sends that very hash, so what is approved is what was seen; approving
// and rejecting are step-ups (password and a current TOTP code), as the API requires.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { RequestView } from '../../lambdas/admin/contracts.js';
import { call, type Session } from './api.js';
import { ACTION_TITLES, canApprove } from './tiers.js';
import { Done, Field, Problem } from './ui.js';

/** An opaque id shown by its ends only: enough to tell requests apart, not to copy elsewhere. */
export const maskId = (id: string) =>
  id.length <= 8 ? `${id.slice(0, 2)}…` : `${id.slice(0, 4)}…${id.slice(-4)}`;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', timeZoneName: 'short' });

export function ApprovalsPage({ session }: { session: Session }) {
  const [requests, setRequests] = useState<RequestView[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();

  const load = useCallback(async () => {
    const answer = await call<{ requests: RequestView[] }>('GET', '/v1/admin/requests?status=pending');
    if (answer.ok) setRequests(answer.body.requests);
    else setError(answer.error.message);
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      <p class="lede">Requests waiting for your approval, soonest expiry first.</p>
      <Problem message={error} />
      <Done message={done} />
      {requests === undefined ? (
        <p>Loading…</p>
      ) : requests.length === 0 ? (
        <p class="empty">Nothing is waiting for you.</p>
      ) : (
        <ul class="cards">
          {requests.map((r) => (
            <li key={r.requestId}>
              <RequestCard
                request={r}
                session={session}
                onDecided={(message) => {
                  setDone(message);
                  void load();
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RequestCard({
  request,
  session,
  onDecided,
}: {
  request: RequestView;
  session: Session;
  onDecided: (message: string) => void;
}) {
  const [mode, setMode] = useState<'idle' | 'approve' | 'reject'>('idle');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const mayDecide = canApprove(session.tiers, request.policy) && request.requesterId !== session.adminId;
  const titleId = `request-${request.requestId}`;
  const parameters = Object.entries(request.parameters);

  async function decide(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get('password'));
    const code = String(form.get('code')).trim();
    setBusy(true);
    setError(undefined);
    const answer =
      mode === 'approve'
        ? await call<RequestView>('POST', `/v1/admin/requests/${request.requestId}/approve`, {
            payloadHash: request.payloadHash,
            password,
            code,
          })
        : await call<RequestView>('POST', `/v1/admin/requests/${request.requestId}/reject`, {
            reason: String(form.get('reason')),
            password,
            code,
          });
    setBusy(false);
    if (!answer.ok) return setError(`${answer.error.message} (${answer.error.code})`);
    onDecided(
      `${ACTION_TITLES[request.action]}: ${mode === 'approve' ? 'approved' : 'rejected'} (now ${answer.body.status}).`,
    );
  }

  return (
    <article class="card" aria-labelledby={titleId} data-request-id={request.requestId}>
      <h2 id={titleId}>
        {ACTION_TITLES[request.action]} <span class="muted">of {request.target.kind}</span>{' '}
        <code>{maskId(request.target.id)}</code>
      </h2>
      <dl class="facts">
        <dt>Reason</dt>
        <dd>{request.reason}</dd>
        <dt>Requested by</dt>
        <dd>
          <code>{maskId(request.requesterId)}</code> on {when(request.createdAt)}
        </dd>
        <dt>Parameters</dt>
        <dd>
          {parameters.length === 0
            ? 'none'
            : parameters.map(([k, v]) => (
                <span key={k} class="param">
                  {k}: {typeof v === 'string' ? v : JSON.stringify(v)}
                </span>
              ))}
        </dd>
        <dt>Approvals</dt>
        <dd>
          {request.approvals.length} of {request.policy.approvals} needed, from{' '}
          {request.policy.approverTiers.join(', ')}
        </dd>
        <dt>Expires</dt>
        <dd>{when(request.expiresAt)}</dd>
        <dt>Payload hash</dt>
        <dd>
          <code class="hash" data-testid="payload-hash">
            {request.payloadHash}
          </code>
        </dd>
      </dl>
      {mayDecide && mode === 'idle' && (
        <div class="actions">
          <button type="button" onClick={() => setMode('approve')}>
            Approve
          </button>
          <button type="button" class="secondary" onClick={() => setMode('reject')}>
            Reject
          </button>
        </div>
      )}
      {mayDecide && mode !== 'idle' && (
        <form onSubmit={decide} aria-label={mode === 'approve' ? 'Approve request' : 'Reject request'}>
          <Problem message={error} />
          {mode === 'approve' ? (
            <p class="hint">
              You approve exactly the payload whose hash is shown above:{' '}
              <code>{request.payloadHash.slice(0, 12)}…</code>
            </p>
          ) : (
            <Field
              label="Reason for rejecting"
              name="reason"
              multiline
              required
              minLength={3}
              maxLength={500}
            />
          )}
          <Field
            label="Your password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          <Field
            label="Authenticator code"
            name="code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            autoComplete="one-time-code"
            required
          />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {mode === 'approve' ? 'Confirm approval' : 'Confirm rejection'}
            </button>
            <button type="button" class="secondary" onClick={() => setMode('idle')}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
