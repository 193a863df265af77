import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiClient } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import type { LoginResponse } from '../api/api-types.js';
import type { Session } from '../session/session.js';

interface SignInPageProps {
  /** Why the user sees this page (signed out, session expired). */
  readonly notice: string | null;
  readonly onSignedIn: (session: Session) => void;
}

// Signing in carries no token, so a 401 here is a wrong password, never an ended session.
const anonymous = new ApiClient(() => null, () => undefined);

/** Username and password → a session token from `POST /api/auth/login`. */
export function SignInPage({ notice, onSignedIn }: SignInPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · rsgo';
    usernameInput.current?.focus();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await anonymous.post<LoginResponse>('/api/auth/login', { username: username.trim(), password });
      onSignedIn({ token: answer.token, expiresAt: answer.expiresAt, username: username.trim() });
    } catch (err) {
      setError(ApiError.from(err).message);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form class="panel sign-in-panel" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <p class="brand brand-large" aria-hidden="true">
          rsgo
        </p>
        <h1 id="sign-in-title">Sign in</h1>
        {notice && (
          <p class="notice notice-info" role="status">
            {notice}
          </p>
        )}
        <div class="field">
          <label for="username">Username</label>
          <input
            id="username"
            ref={usernameInput}
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button-primary button-wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
