// Audit (D3): the records about a user, or made by an admin, newest first (source addresses masked by the
// server), and the chain's standing as the server checked it for this read: verified to its last anchored
// checkpoint (signed, the record it names still there, the records after it linked), not yet anchored, or
// broken, with what broke in words.
import { useState } from 'preact/hooks';
import type { AuditResponse } from '../../lambdas/admin/contracts.js';
import { call } from './api.js';
import { maskId } from './approvals.js';
import { Problem } from './ui.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const when = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC', timeZoneName: 'short' });

const STATE_WORDS: Record<AuditResponse['chain']['state'], string> = {
  verified: 'Verified',
  'not-anchored': 'Not yet anchored',
  broken: 'BROKEN',
  empty: 'Empty',
};

export function AuditPage() {
  const [answer, setAnswer] = useState<AuditResponse | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function find(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const by = String(form.get('by'));
    const id = String(form.get('subjectId')).trim();
    setError(undefined);
    setAnswer(undefined);
    if (!ID.test(id)) return setError('An id is letters, digits, - and _.');
    const key = by === 'admin' ? 'adminId' : 'userId';
    const got = await call<AuditResponse>('GET', `/v1/admin/audit?${key}=${encodeURIComponent(id)}`);
    if (got.ok) setAnswer(got.body);
    else setError(got.error.message);
  }

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <p class="lede">
        Who did what to whom: the records about a user, or the records an admin made, with the audit chain's
        check.
      </p>
      <search>
        <form class="inline" onSubmit={find} aria-label="Find audit records">
          <div class="field">
            <label for="audit-by">Records</label>
            <select id="audit-by" name="by">
              <option value="user">about a user</option>
              <option value="admin">made by an admin</option>
            </select>
          </div>
          <div class="field">
            <label for="audit-id">User or admin id</label>
            <input id="audit-id" name="subjectId" type="text" required maxLength={128} autoComplete="off" />
          </div>
          <button type="submit">Show records</button>
        </form>
      </search>
      <Problem message={error} />
      {answer && (
        <>
          <ChainStatus chain={answer.chain} />
          <article class="card" aria-labelledby="records-title">
            <h2 id="records-title">
              {answer.records.length} record{answer.records.length === 1 ? '' : 's'}{' '}
              {answer.subject.kind === 'user' ? 'about user' : 'made by admin'}{' '}
              <code>{maskId(answer.subject.id)}</code>
            </h2>
            <table class="list" data-testid="audit-records">
              <caption class="visually-hidden">Audit records, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {answer.records.map((r) => (
                  <tr key={r.seq}>
                    <td>{r.seq}</td>
                    <td>{when(r.at)}</td>
                    <td>
                      <code>{r.action}</code>
                    </td>
                    <td>
                      {r.actor.kind} {maskId(r.actor.id)}
                      {r.actor.tier ? ` (${r.actor.tier})` : ''}
                    </td>
                    <td>
                      {r.target.kind} {maskId(r.target.id)}
                    </td>
                    <td>{r.outcome}</td>
                    <td>
                      {Object.entries(r.details ?? {})
                        .map(([k, v]) => `${k}: ${String(v)}`)
                        .join('; ')}
                      {r.sourceIp ? ` (from ${r.sourceIp})` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </article>
        </>
      )}
    </section>
  );
}

function ChainStatus({ chain }: { chain: AuditResponse['chain'] }) {
  const tail = chain.tail.complete
    ? `${chain.tail.linked} record${chain.tail.linked === 1 ? '' : 's'} after it, all linked`
    : `the first ${chain.tail.linked} records after it linked (more follow; the scheduled check links the rest)`;
  return (
    <article class={`card chain ${chain.state}`} aria-labelledby="chain-title" data-testid="chain-status">
      <h2 id="chain-title">
        Audit chain: <span class={`badge chain-${chain.state}`}>{STATE_WORDS[chain.state]}</span>
      </h2>
      <dl class="facts">
        <dt>Last anchored checkpoint</dt>
        <dd data-testid="last-checkpoint">
          {chain.checkpoint
            ? `record #${chain.checkpoint.seq}, made ${when(chain.checkpoint.at)}`
            : 'none yet (the first checkpoint is made within minutes)'}
        </dd>
        {chain.checkpoint && (
          <>
            <dt>Head hash at the checkpoint</dt>
            <dd>
              <code class="hash">{chain.checkpoint.headHash}</code>
            </dd>
          </>
        )}
        <dt>Since the checkpoint</dt>
        <dd>{tail}</dd>
        {chain.problem && (
          <>
            <dt>What broke</dt>
            <dd class="problem">{chain.problem}</dd>
          </>
        )}
        <dt>Checked</dt>
        <dd>{when(chain.checkedAt)}</dd>
      </dl>
    </article>
  );
}
