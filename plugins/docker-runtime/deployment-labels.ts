/**
 * The labels the runtime relies on to find what it created. It sets them itself on every
 * container (whatever the plan's labels say), so teardown and redeploy never guess by name.
 */
export const deploymentLabels = {
  deployment: 'rsgo.deployment',
  /** Set by the host (in the plan's labels): the stack name and environment a deployment runs as. */
  stack: 'rsgo.stack',
  environment: 'rsgo.environment',
  service: 'rsgo.service',
  lifecycle: 'rsgo.lifecycle',
} as const;

/** The label filter (`key=value`) matching everything of one deployment. */
export function deploymentFilter(deploymentId: string): string {
  return `${deploymentLabels.deployment}=${deploymentId}`;
}
