import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface PageProps {
  readonly title: string;
  /** Buttons shown beside the heading. */
  readonly actions?: ComponentChildren;
  /** A line of context above the heading (e.g. a link back). */
  readonly before?: ComponentChildren;
  readonly children: ComponentChildren;
}

/** A page: its heading, focused on arrival so screen readers announce where the user is, and the tab title. */
export function Page({ title, actions, before, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · rsgo`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <>
      {before}
      <div class="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions && <div class="page-actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}
