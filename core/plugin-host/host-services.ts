import type { ApiKeyDirectory } from '../api-keys/api-key.js';
import type { AuditRecorder } from '../audit/audit-event.js';

/**
 * What the host offers plugins besides the hooks. It grows with the host; plugins depend only
 * on what is declared here.
 */
export interface HostServices {
  /** The host's version. */
  readonly version: string;
  /** API keys by hash, for authentication plugins (`api-key-auth`). */
  readonly apiKeys: ApiKeyDirectory;
  /** The audit trail: a plugin records what it refused or did. Never pass a secret. */
  readonly audit: AuditRecorder;
  /**
   * The host's clock, milliseconds since the epoch: plugins that keep time (a lockout) read it,
   * so a test can move it instead of waiting. Since plugin API 1.3.
   */
  readonly now: () => number;
}
