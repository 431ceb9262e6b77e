// The session's remaining time, announced politely; at zero the session ends and sign-in returns.
import { useEffect, useState } from 'preact/hooks';
import { endSession } from './api.js';

const format = (ms: number) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

export function SessionClock({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= expiresAt) endSession('Your session expired. Please sign in again.');
    }, 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  const left = expiresAt - now;
  return (
    <span class={left < 120_000 ? 'clock low' : 'clock'} data-testid="session-remaining">
      Session ends in <time>{format(left)}</time>
    </span>
  );
}
