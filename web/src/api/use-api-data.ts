import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useAppContext } from '../app-context.js';
import { ApiError } from './api-error.js';

export interface ApiData<T> {
  readonly data: T | null;
  readonly error: ApiError | null;
  readonly loading: boolean;
  /** Loads again; resolves once the new data (or error) is in. */
  readonly reload: () => Promise<void>;
}

/** GETs `path`, and again whenever it changes; late answers for an older path are dropped. */
export function useApiData<T>(path: string): ApiData<T> {
  const { api } = useAppContext();
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const latest = useRef(0);

  const load = useCallback(async () => {
    const call = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await api.get<T>(path);
      if (call === latest.current) setState({ data, error: null, loading: false });
    } catch (err) {
      const error = ApiError.from(err);
      if (call === latest.current) setState((previous) => ({ data: previous.data, error, loading: false }));
    }
  }, [api, path]);

  useEffect(() => {
    void load();
  }, [load]);

  return { ...state, reload: load };
}
