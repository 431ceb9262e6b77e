// The admin console (X5): sign-in with password and TOTP, then the pages the admin's tiers open. Routing by the
// URL's hash (#/approvals, #/withdrawals, #/users, #/cases, #/audit), so the static host serves one page.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configure, onSessionEnded, type Session, signOut } from './api.js';
import { ApprovalsPage } from './approvals.js';
import { AuditPage } from './audit.js';
import { CasesPage } from './cases.js';
import { SessionClock } from './session-clock.js';
import { SignIn } from './sign-in.js';
import { canSee, PAGES, type PageId } from './tiers.js';
import { UsersPage } from './users.js';
import { WithdrawalsPage } from './withdrawals.js';

function pageFromHash(): PageId {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return (PAGES.find((p) => p.id === id)?.id ?? 'approvals') as PageId;
}

function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [page, setPage] = useState<PageId>(pageFromHash());

  useEffect(() => {
    onSessionEnded((why) => {
      setSession(undefined);
      setNotice(why);
    });
    const follow = () => setPage(pageFromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    document.title = session
      ? `${PAGES.find((p) => p.id === page)?.title ?? 'Console'} · Palisade admin`
      : 'Sign in · Palisade admin';
  }, [session, page]);

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  }

  const visible = PAGES.filter((p) => canSee(session.capabilities, p.id));
  const current = visible.some((p) => p.id === page) ? page : (visible[0]?.id ?? 'approvals');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <span class="brand">Palisade admin</span>
        <nav aria-label="Pages">
          <ul>
            {visible.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p.id === current ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {session.username} <span class="tiers">({session.tiers.join(', ')})</span>
          </span>
          <SessionClock expiresAt={session.expiresAt} />
          <button type="button" class="secondary" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {current === 'approvals' && <ApprovalsPage session={session} />}
        {current === 'users' && <UsersPage session={session} />}
        {current === 'cases' && <CasesPage session={session} />}
        {current === 'withdrawals' && <WithdrawalsPage session={session} />}
        {current === 'audit' && <AuditPage />}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  void configure().then(() => render(<App />, root));
}
