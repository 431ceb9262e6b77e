// Withdrawal reviews (C3, D2): the withdrawals the risk score held for a manual investigation, each with its
// amount, asset, masked destination, the risk signals and their points in words, and, on demand, the user's
// recent logins and security changes. A decision (approve or reject the withdrawal) is never taken here: it is
// requested through the approval plane (`decide-withdrawal`, its parameters checked by the plane's schema) and
// runs once another admin approves it on the Approvals page.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { DECIDE_WITHDRAWAL_PARAMETERS } from '../../lambdas/admin/action-parameters.js';
import type { AdminUserResponse, RequestView, WithdrawalReviewView } from '../../lambdas/admin/contracts.js';
import { call, type Session } from './api.js';
import { maskId } from './approvals.js';
import { problemsOf } from './parameters.js';
import { mayRequestAction } from './tiers.js';
import { Done, Field, Problem } from './ui.js';
import { Logins } from './users.js';

type Review = WithdrawalReviewView;

const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', timeZoneName: 'short' });

/** What each risk signal means (lambdas/withdrawals/risk.ts), for the investigator. */
export const SIGNAL_TITLES: Record<string, string> = {
  'new-ip': 'Requested from a new IP address',
  'new-device': 'Requested from a new device',
  'amount-unusual': 'An unusually large amount for this user',
  velocity: 'Many withdrawals in a short time',
  'destination-recent': 'A destination added only recently',
  'recent-security-change': 'A security setting changed recently',
  'takeover-chain': 'The pattern of an account takeover',
  'sanctioned-destination': 'A sanctioned destination',
};

export const BAND_WORDS: Record<Review['risk']['band'], string> = {
  low: 'low risk',
  unusual: 'unusual: held for a manual investigation',
  blocked: 'blocked: the destination may not be paid',
};

export function WithdrawalsPage({ session }: { session: Session }) {
  const [reviews, setReviews] = useState<Review[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = useCallback(async () => {
    const answer = await call<{ withdrawals: Review[] }>('GET', '/v1/admin/withdrawals?status=review');
    if (answer.ok) setReviews(answer.body.withdrawals);
    else setError(answer.error.message);
  }, []);
  useEffect(() => void load(), [load]);
  const decides = mayRequestAction(session.tiers, 'decide-withdrawal');

  return (
    <section aria-labelledby="withdrawals-title">
      <h1 id="withdrawals-title">Withdrawal reviews</h1>
      <p class="lede">
        Withdrawals held for a manual investigation, oldest first.{' '}
        {decides
          ? 'A decision you request runs once another admin approves it.'
          : 'Decisions are requested by compliance; you approve them on the Approvals page.'}
      </p>
      <Problem message={error} />
      {reviews === undefined ? (
        <p>Loading…</p>
      ) : reviews.length === 0 ? (
        <p class="empty">No withdrawal is waiting for a review.</p>
      ) : (
        <ul class="cards">
          {reviews.map((r) => (
            <li key={r.withdrawalId}>
              <ReviewCard review={r} decides={decides} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ReviewCard({ review, decides }: { review: Review; decides: boolean }) {
  const [user, setUser] = useState<AdminUserResponse | undefined>();
  const [error, setError] = useState<string | undefined>();
  const titleId = `withdrawal-${review.withdrawalId}`;

  async function showActivity() {
    const answer = await call<AdminUserResponse>(
      'GET',
      `/v1/admin/users/${encodeURIComponent(review.userId)}`,
    );
    if (answer.ok) setUser(answer.body);
    else setError(answer.error.message);
  }

  return (
    <article class="card" aria-labelledby={titleId} data-withdrawal-id={review.withdrawalId}>
      <h2 id={titleId}>
        {review.amount} {review.asset} to {review.addressMasked}
      </h2>
      <dl class="facts">
        <dt>Amount</dt>
        <dd>
          {review.amount} {review.asset} ({review.speed})
        </dd>
        <dt>Destination</dt>
        <dd>{review.addressMasked}</dd>
        <dt>User</dt>
        <dd>
          <code>{maskId(review.userId)}</code>
        </dd>
        <dt>Requested</dt>
        <dd>{when(review.createdAt)}</dd>
        <dt>In review since</dt>
        <dd>{when(review.reviewStartedAt)}</dd>
        <dt>Risk</dt>
        <dd data-testid="risk">
          {review.risk.score} points, {BAND_WORDS[review.risk.band]}
        </dd>
      </dl>
      <h3>Why it was held</h3>
      <ul class="signals" data-testid="risk-signals">
        {review.risk.signals.map((s) => (
          <li key={s.id}>
            <strong>{SIGNAL_TITLES[s.id] ?? s.id}</strong> ({s.points} points): {s.detail}
          </li>
        ))}
      </ul>
      {user ? (
        <section aria-label="The user's recent activity" data-testid="review-activity">
          <h3>The user's security changes</h3>
          <p>
            {user.lastSecurityChange
              ? `Last change: ${user.lastSecurityChange.kind} at ${when(user.lastSecurityChange.at)}. `
              : 'No security change recorded. '}
            {user.hold.active ? `Withdrawal hold until ${user.hold.endsAt ?? 'lifted'}.` : 'No hold.'}
          </p>
          <Logins user={user} />
        </section>
      ) : (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void showActivity()}>
            Show logins and security changes
          </button>
        </div>
      )}
      <Problem message={error} />
      {decides && <DecideForm review={review} />}
    </article>
  );
}

function DecideForm({ review }: { review: Review }) {
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const id = review.withdrawalId;

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const parameters = { userId: review.userId, outcome: String(form.get('outcome') ?? '') };
    setError(undefined);
    if (!parameters.outcome) return setError('Choose approve or reject.');
    const problems = problemsOf(DECIDE_WITHDRAWAL_PARAMETERS, parameters);
    if (problems) return setError(problems);
    setBusy(true);
    const answer = await call<RequestView>('POST', '/v1/admin/requests', {
      action: 'decide-withdrawal',
      target: { kind: 'withdrawal', id },
      parameters,
      reason: String(form.get('reason')),
    });
    setBusy(false);
    if (!answer.ok) return setError(`${answer.error.message} (${answer.error.code})`);
    setDone(
      `Decision requested: ${parameters.outcome}. It waits for ${answer.body.policy.approvals} approval(s) from ${answer.body.policy.approverTiers.join(', ')}.`,
    );
  }

  if (done) return <Done message={done} />;
  return (
    <form onSubmit={submit} aria-label={`Decide the withdrawal ${maskId(id)}`}>
      <fieldset>
        <legend>Decision</legend>
        <label class="check">
          <input type="radio" name="outcome" value="approve" /> Approve: pay it out
        </label>
        <label class="check">
          <input type="radio" name="outcome" value="reject" /> Reject: release the funds to the user
        </label>
      </fieldset>
      <Field label="Reason for the decision" name="reason" multiline required minLength={3} maxLength={500} />
      <Problem message={error} />
      <button type="submit" disabled={busy}>
        Request decision
      </button>
    </form>
  );
}
