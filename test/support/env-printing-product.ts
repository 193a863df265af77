import { idleCommand } from './deploy-host.js';

/**
 * A single-stack product `<name>` (groupId `com.example.<lower-case name>`) with a Password
 * variable DB_PASSWORD: its container prints its whole environment (the Password among it) and
 * exits when MODE is `crash`, else it idles. The runtime then relays those lines in its failure.
 */
export function envPrintingProduct(name: string, image: string): string {
  return `metadata: { name: ${name}, productId: com.example.${name.toLowerCase()}, productVersion: "1.0.0" }
variables:
  DB_PASSWORD: { type: Password, required: true }
  MODE: { default: serve }
services:
  app:
    image: ${image}
    restart: "no"
    command: ${idleCommand('if [ "$MODE" = crash ]; then env; exit 3; fi')}
    environment: { DB_PASSWORD: "\${DB_PASSWORD}", MODE: "\${MODE}" }
`;
}
