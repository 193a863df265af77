import { Page } from '../components/page.js';
import { Link } from '../routing/link.js';

/** Settings: the entries of the host's settings; CI/CD Integration is the one there is. */
export function SettingsPage() {
  return (
    <Page title="Settings">
      <ul class="card-list">
        <li class="panel">
          <h2>
            <Link href="/settings/cicd">CI/CD Integration</Link>
          </h2>
          <p>API keys that let build and release pipelines redeploy and upgrade stacks and sync the catalog through the webhooks.</p>
        </li>
      </ul>
    </Page>
  );
}
