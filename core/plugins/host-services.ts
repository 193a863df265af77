/**
 * What the host offers plugins besides the hooks. It grows with the host; plugins depend only
 * on what is declared here.
 */
export interface HostServices {
  /** The host's version. */
  readonly version: string;
}
