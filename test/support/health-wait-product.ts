import { idleCommand } from './deploy-host.js';

/**
 * A product `name` at `version` with one service `app` whose health check passes
 * READY_SECONDS (a variable, default 0) after it starts: a redeploy or upgrade given a large
 * value stays in its health wait for as long as a test needs.
 */
export function healthWaitProduct(name: string, version: string, image: string): string {
  return `metadata: { name: ${name}, productVersion: "${version}" }
variables:
  READY_SECONDS: { default: "0" }
services:
  app:
    image: ${image}
    command: ${idleCommand('sleep ${READY_SECONDS}; touch /tmp/ready')}
    healthCheck:
      test: ["CMD-SHELL", "test -f /tmp/ready"]
      interval: 1s
      timeout: 5s
      retries: 600
`;
}
