import type { JSX } from 'preact';
import { CicdIntegrationPage } from './api-keys/cicd-integration-page.js';
import { AuditPage } from './pages/audit-page.js';
import { CatalogPage } from './pages/catalog-page.js';
import { DeploymentPage } from './pages/deployment-page.js';
import { DeploymentsPage } from './pages/deployments-page.js';
import { EnvironmentsPage } from './pages/environments-page.js';
import { EventsPage } from './pages/events-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { ProductDeploymentPage } from './pages/product-deployment-page.js';
import { SettingsPage } from './pages/settings-page.js';

const fixed: Readonly<Record<string, () => JSX.Element>> = {
  '/deployments': () => <DeploymentsPage />,
  '/catalog': () => <CatalogPage />,
  '/environments': () => <EnvironmentsPage />,
  '/audit': () => <AuditPage />,
  '/events': () => <EventsPage />,
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
  const product = /^\/product-deployments\/([^/]+)$/.exec(trimmed);
  if (product?.[1]) return <ProductDeploymentPage id={decodeURIComponent(product[1])} />;
  return <NotFoundPage />;
}
