import type { SyncReport } from '../api/api-types.js';

/** What a catalog sync did: its message, then each failed source and each skipped manifest. */
export function SyncResult({ report }: { readonly report: SyncReport }) {
  const errors = report.errors ?? [];
  const warnings = report.warnings ?? [];
  return (
    <div class={`notice ${report.success ? 'notice-success' : 'notice-error'}`}>
      <p>
        <strong>{report.message}</strong>
      </p>
      {errors.length > 0 && (
        <>
          <h3>Source errors</h3>
          <ul>
            {errors.map((error, index) => (
              <li key={index}>
                <strong>{error.source}</strong>: {error.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {warnings.length > 0 && (
        <>
          <h3>Skipped manifests</h3>
          <ul>
            {warnings.map((warning, index) => (
              <li key={index}>
                <strong>{warning.source}</strong> <code>{warning.file}</code>: {warning.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
