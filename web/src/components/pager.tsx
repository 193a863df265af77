interface PagerProps {
  /** What is paged, for screen readers ("Audit pages"). */
  readonly label: string;
  readonly page: number;
  readonly pages: number;
  readonly busy: boolean;
  readonly onPage: (page: number) => void;
}

/** Newer / Older buttons around "Page n of m", for lists the host serves newest first; hidden for one page. */
export function Pager({ label, page, pages, busy, onPage }: PagerProps) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="button-secondary" disabled={page <= 1 || busy} onClick={() => onPage(page - 1)}>
        Newer
      </button>
      <span>
        Page {page} of {pages}
      </span>
      <button type="button" class="button-secondary" disabled={page >= pages || busy} onClick={() => onPage(page + 1)}>
        Older
      </button>
    </nav>
  );
}
