import { useEffect, useState } from 'preact/hooks';

// pushState fires no event of its own; the router listens for this one and `popstate`.
const PATH_CHANGED = 'rsgo:navigate';

/** Goes to `path` inside the app without reloading the page. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new Event(PATH_CHANGED));
}

/** The current path (without query), updated on in-app navigation and the back button. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    addEventListener(PATH_CHANGED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(PATH_CHANGED, update);
    };
  }, []);
  return path;
}
