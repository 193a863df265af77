/**
 * The labels the runtime relies on to find what it created. It sets them itself on every
 * container (whatever the plan's labels say), so teardown and redeploy never guess by name.
 */
export const deploymentLabels = {
  deployment: 'rsgo.deployment',
  service: 'rsgo.service',
  lifecycle: 'rsgo.lifecycle',
} as const;

/** The label filter (`key=value`) matching everything of one deployment. */
export function deploymentFilter(deploymentId: string): string {
  return `${deploymentLabels.deployment}=${deploymentId}`;
}
