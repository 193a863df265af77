import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/api-client.js';
import { AppContext, type AppContextValue } from './app-context.js';
import { Layout } from './components/layout.js';
import { SignInPage } from './pages/sign-in-page.js';
import { routeFor } from './routes.js';
import { navigate, usePath } from './routing/use-path.js';
import { forgetStoredSession, readStoredSession, storeSession, type Session } from './session/session.js';

const EXPIRED_MESSAGE = 'Your session has expired. Sign in again.';
// setTimeout fires at once for delays beyond 2^31-1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The whole UI: the sign-in page without a session, the signed-in app with one. */
export function App() {
  const path = usePath();
  const [session, setSession] = useState<Session | null>(() => readStoredSession());
  const [notice, setNotice] = useState<string | null>(null);

  const endSession = useCallback((reason: string | null) => {
    forgetStoredSession();
    setSession(null);
    setNotice(reason);
  }, []);

  // The token is only kept until the host stops accepting it.
  useEffect(() => {
    if (!session) return undefined;
    const timer = setTimeout(() => endSession(EXPIRED_MESSAGE), Math.min(Date.parse(session.expiresAt) - Date.now(), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  }, [session, endSession]);

  useEffect(() => {
    if (session && path === '/') navigate('/deployments', { replace: true });
  }, [session, path]);

  const context = useMemo<AppContextValue | null>(() => {
    if (!session) return null;
    return {
      session,
      api: new ApiClient(() => session.token, () => endSession(EXPIRED_MESSAGE)),
      signOut: () => {
        // The host ends the session too, so a copy of the token is worthless from now on. The
        // tab forgets it at once either way: a host that cannot be reached does not keep it, and
        // a token the host no longer knew changes nothing of the "signed out" notice.
        new ApiClient(() => session.token, () => undefined).post('/api/auth/logout').catch(() => undefined);
        endSession('You have signed out.');
        navigate('/', { replace: true });
      },
    };
  }, [session, endSession]);

  if (!context) {
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(signedIn) => {
          storeSession(signedIn);
          setNotice(null);
          setSession(signedIn);
        }}
      />
    );
  }
  return (
    <AppContext.Provider value={context}>
      <Layout path={path}>
        <div key={path}>{path === '/' ? null : routeFor(path)}</div>
      </Layout>
    </AppContext.Provider>
  );
}
