import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api/api-client.js';
import type { Session } from './session/session.js';

/** What every page of a signed-in user needs: the API client and the session. */
export interface AppContextValue {
  readonly api: ApiClient;
  readonly session: Session;
  readonly signOut: () => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useAppContext() outside the signed-in app');
  return value;
}
