import { Page } from '../components/page.js';
import { Link } from '../routing/link.js';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. Go to the <Link href="/deployments">deployments</Link>.
      </p>
    </Page>
  );
}
