import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useAppContext } from '../app-context';
import { ApiError } from './api-error';

export interface ApiData<T> {
  readonly data: T | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  /** Loads again; resolves once the new data (or error) is in. */
  readonly reload: () => Promise<void>;
}

/** GETs `path` (nothing while it is null) and again whenever it changes; late answers of old paths are dropped. */
export function useApiData<T>(path: string | null): ApiData<T> {
  const { api } = useAppContext();
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: path !== null,
  });
  const latest = useRef(0);

  const load = useCallback(async () => {
    if (path === null) return;
    const call = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await api.get<T>(path);
      if (call === latest.current) setState({ data, error: null, loading: false });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, String(err), 'UNKNOWN');
      if (call === latest.current) setState((previous) => ({ data: previous.data, error, loading: false }));
    }
  }, [api, path]);

  useEffect(() => {
    void load();
  }, [load]);

  return { ...state, reload: load };
}
