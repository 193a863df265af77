import type { ComponentChildren } from 'preact';

/** A region that is always in the page, so screen readers announce what appears in it. */
export function LiveRegion({ children }: { readonly children?: ComponentChildren }) {
  return (
    <div role="status" aria-live="polite" class="live-region">
      {children}
    </div>
  );
}
