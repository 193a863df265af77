import { Link } from '../routing/link.js';

/** The link back to the page a page sits under, above its title. */
export function Breadcrumb({ href, label }: { readonly href: string; readonly label: string }) {
  return (
    <p class="breadcrumb">
      <Link href={href}>{label}</Link> <span aria-hidden="true">›</span>
    </p>
  );
}
