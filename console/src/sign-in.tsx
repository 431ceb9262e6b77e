// Sign-in: the admin pool's password, then the TOTP code of the admin's authenticator (D1).
import { useState } from 'preact/hooks';
import { answerTotp, type Session, startLogin } from './api.js';
import { Field, Problem } from './ui.js';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (s: Session) => void }) {
  const [loginId, setLoginId] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submitPassword(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    const started = await startLogin(String(form.get('username')), String(form.get('password')));
    setBusy(false);
    if (!started.ok) return setError('The username or password is not right.');
    setLoginId(started.body.loginId);
  }

  async function submitCode(event: Event) {
    event.preventDefault();
    if (!loginId) return;
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    const done = await answerTotp(loginId, String(form.get('code')).trim());
    setBusy(false);
    if (!done.ok) {
      // One code per challenge: a wrong one needs the password again.
      setLoginId(undefined);
      return setError('That code was not accepted. Sign in again with your password and a new code.');
    }
    onSignedIn(done.body);
  }

  return (
    <main id="main" class="signin">
      <h1>Palisade admin console</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Problem message={error} />
      {loginId === undefined ? (
        <form onSubmit={submitPassword} aria-label="Sign in">
          <Field label="Username" name="username" autoComplete="username" required />
          <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" disabled={busy}>
            Continue
          </button>
        </form>
      ) : (
        <form onSubmit={submitCode} aria-label="Second step">
          <Field
            label="Authenticator code"
            name="code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            autoComplete="one-time-code"
            hint="The 6-digit code your authenticator app shows now."
            required
            autoFocus
          />
          <button type="submit" disabled={busy}>
            Sign in
          </button>
        </form>
      )}
    </main>
  );
}
