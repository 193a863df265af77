import type { ComponentChildren } from 'preact';
import { useAppContext } from '../app-context.js';
import { Link } from '../routing/link.js';

const sections = [
  { href: '/deployments', label: 'Deployments' },
  { href: '/catalog', label: 'Catalog' },
  { href: '/environments', label: 'Environments' },
  { href: '/audit', label: 'Audit' },
  { href: '/events', label: 'Events' },
  { href: '/settings', label: 'Settings' },
] as const;

const isIn = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

/** The signed-in frame: skip link, main menu, the user and Sign out, then the page. */
export function Layout({ path, children }: { readonly path: string; readonly children: ComponentChildren }) {
  const { session, signOut } = useAppContext();
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <div class="app-header-row">
          <Link href="/deployments" class="brand">
            rsgo
          </Link>
          <div class="user">
            <span>
              Signed in as <strong>{session.username}</strong>
            </span>
            <button type="button" class="button-link" onClick={signOut}>
              Sign out
            </button>
          </div>
        </div>
        <nav aria-label="Main menu">
          <ul class="nav-list">
            {sections.map((section) => (
              <li key={section.href}>
                <Link href={section.href} current={isIn(path, section.href)}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" class="content">
        {children}
      </main>
    </>
  );
}
