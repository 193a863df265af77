import type { JSX } from 'preact';
import { CicdIntegrationPage } from './api-keys/cicd-integration-page';
import { AuditPage } from './pages/audit-page';
import { CatalogPage } from './pages/catalog-page';
import { DeploymentPage } from './pages/deployment-page';
import { DeploymentsPage } from './pages/deployments-page';
import { EnvironmentsPage } from './pages/environments-page';
import { NotFoundPage } from './pages/not-found-page';
import { SettingsPage } from './pages/settings-page';

const fixed: Readonly<Record<string, () => JSX.Element>> = {
  '/deployments': () => <DeploymentsPage />,
  '/catalog': () => <CatalogPage />,
  '/environments': () => <EnvironmentsPage />,
  '/audit': () => <AuditPage />,
  '/settings': () => <SettingsPage />,
  '/settings/cicd': () => <CicdIntegrationPage />,
};

/** The page for a path of the signed-in app (`/` is redirected to `/deployments` before). */
export function routeFor(path: string): JSX.Element {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const page = fixed[trimmed];
  if (page) return page();
  const deployment = /^\/deployments\/([^/]+)$/.exec(trimmed);
  if (deployment?.[1]) return <DeploymentPage id={decodeURIComponent(deployment[1])} />;
  return <NotFoundPage />;
}
