// Cases (F3): compliance cases, filtered by status, kind or subject; one case's signals, evidence, notes and
// history; notes and the working steps (investigate, escalate) for a tier that works cases; dismissing or
// reporting is proposed as an admin request (four eyes), never done here.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CaseView } from '../../lambdas/cases/contracts.js';
import type { AdminAction } from '../../lambdas/kernel/settings.js';
import { call, type Session } from './api.js';
import { maskId } from './approvals.js';
import { ACTION_TITLES, canWorkCases, mayRequestAction } from './tiers.js';
import { Done, Field, Problem } from './ui.js';

const STATUSES = ['open', 'investigating', 'escalated', 'reported', 'dismissed'] as const;
const KINDS = ['screening-hit', 'withdrawal-review', 'user-report', 'admin-referral'] as const;

export function CasesPage({ session }: { session: Session }) {
  const [cases, setCases] = useState<CaseView[] | undefined>();
  const [openId, setOpenId] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [filter, setFilter] = useState<Record<string, string>>({});

  const load = useCallback(async (query: Record<string, string>) => {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
    const answer = await call<{ cases: CaseView[] }>('GET', `/v1/admin/cases?${params}`);
    if (answer.ok) setCases(answer.body.cases);
    else setError(answer.error.message);
  }, []);
  useEffect(() => void load(filter), [load, filter]);

  function applyFilter(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setError(undefined);
    setFilter({
      status: String(form.get('status') ?? ''),
      kind: String(form.get('kind') ?? ''),
      userId: String(form.get('userId') ?? '').trim(),
    });
  }

  const open = cases?.find((c) => c.caseId === openId);
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">Cases</h1>
      <search>
        <form class="inline" onSubmit={applyFilter} aria-label="Filter cases">
          <div class="field">
            <label for="case-status">Status</label>
            <select id="case-status" name="status">
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="case-kind">Kind</label>
            <select id="case-kind" name="kind">
              <option value="">any</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <Field label="Subject user id" name="userId" maxLength={128} autoComplete="off" />
          <button type="submit">Filter</button>
        </form>
      </search>
      <Problem message={error} />
      {cases === undefined ? (
        <p>Loading…</p>
      ) : cases.length === 0 ? (
        <p class="empty">No case matches.</p>
      ) : (
        <table class="list">
          <caption>Cases, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Subject</th>
              <th scope="col">Opened</th>
              <th scope="col">
                <span class="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.caseId} aria-current={c.caseId === openId ? 'true' : undefined}>
                <td>{c.kind}</td>
                <td>{c.status}</td>
                <td>
                  <code>{maskId(c.subject.userId)}</code>
                </td>
                <td>{c.openedAt}</td>
                <td>
                  <button type="button" class="secondary" onClick={() => setOpenId(c.caseId)}>
                    Open <span class="visually-hidden">case {maskId(c.caseId)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && (
        <CaseDetail key={open.caseId} summary={open} session={session} onChanged={() => void load(filter)} />
      )}
    </section>
  );
}

function CaseDetail({
  summary,
  session,
  onChanged,
}: {
  summary: CaseView;
  session: Session;
  onChanged: () => void;
}) {
  const [view, setView] = useState<CaseView>(summary);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const works = canWorkCases(session.tiers);
  const closings = (['dismiss-case', 'report-case'] as AdminAction[]).filter((a) =>
    mayRequestAction(session.tiers, a),
  );

  const refresh = useCallback(async () => {
    const answer = await call<CaseView>('GET', `/v1/admin/cases/${summary.caseId}`);
    if (answer.ok) setView(answer.body);
    else setError(answer.error.message);
  }, [summary.caseId]);
  useEffect(() => void refresh(), [refresh]);

  async function addNote(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const text = String(new FormData(formElement).get('text'));
    const answer = await call('POST', `/v1/admin/cases/${view.caseId}/notes`, { text });
    if (!answer.ok) return setError(answer.error.message);
    formElement.reset();
    setDone('Note added.');
    await refresh();
  }

  async function step(name: 'investigate' | 'escalate') {
    const answer = await call('POST', `/v1/admin/cases/${view.caseId}/steps`, { step: name });
    if (!answer.ok) return setError(answer.error.message);
    setDone(`Case: ${name} done.`);
    await refresh();
    onChanged();
  }

  async function propose(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const action = String(form.get('closing')) as AdminAction;
    const answer = await call('POST', '/v1/admin/requests', {
      action,
      target: { kind: 'case', id: view.caseId },
      parameters: {},
      reason: String(form.get('closingReason')),
    });
    if (!answer.ok) return setError(answer.error.message);
    setDone(`Requested: ${ACTION_TITLES[action]}. Another compliance admin approves it.`);
  }

  return (
    <article class="card" aria-labelledby="case-title" data-testid="case-detail">
      <h2 id="case-title">
        {view.kind} case <code>{maskId(view.caseId)}</code> <span class="badge">{view.status}</span>
      </h2>
      <Problem message={error} />
      <Done message={done} />
      <h3>Signals</h3>
      {view.signals.length === 0 ? (
        <p class="empty">None.</p>
      ) : (
        <ul>
          {view.signals.map((s) => (
            <li key={`${s.code}-${s.at}`}>
              {s.code}
              {s.detail ? `: ${s.detail}` : ''}
              {s.score !== undefined ? ` (score ${s.score})` : ''}
            </li>
          ))}
        </ul>
      )}
      <h3>Notes</h3>
      {view.notes.length === 0 ? (
        <p class="empty">No notes yet.</p>
      ) : (
        <ul data-testid="case-notes">
          {view.notes.map((n) => (
            <li key={n.noteId}>
              {n.text}{' '}
              <span class="muted">
                ({maskId(n.adminId)}, {n.at})
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>History</h3>
      <ul>
        {view.history.map((h) => (
          <li key={`${h.at}-${h.step}`}>
            {h.at}: {h.step} → {h.to}
            {h.reason ? ` (${h.reason})` : ''}
          </li>
        ))}
      </ul>
      {works && (
        <>
          <form onSubmit={addNote} aria-label="Add a note">
            <Field label="Note" name="text" multiline required maxLength={4000} />
            <button type="submit">Add note</button>
          </form>
          <div class="actions">
            {view.steps.includes('investigate') && (
              <button type="button" class="secondary" onClick={() => void step('investigate')}>
                Start investigating
              </button>
            )}
            {view.steps.includes('escalate') && (
              <button type="button" class="secondary" onClick={() => void step('escalate')}>
                Escalate
              </button>
            )}
          </div>
        </>
      )}
      {closings.length > 0 && (view.steps.includes('dismiss') || view.steps.includes('report')) && (
        <form onSubmit={propose} aria-label="Propose closing">
          <div class="field">
            <label for="closing">Propose</label>
            <select id="closing" name="closing">
              {closings
                .filter((a) => view.steps.includes(a === 'dismiss-case' ? 'dismiss' : 'report'))
                .map((a) => (
                  <option key={a} value={a}>
                    {ACTION_TITLES[a]}
                  </option>
                ))}
            </select>
          </div>
          <Field
            label="Reason for closing"
            name="closingReason"
            multiline
            required
            minLength={3}
            maxLength={500}
          />
          <button type="submit">Send for approval</button>
        </form>
      )}
    </article>
  );
}
