export { testPlan, uniqueStackName, type TestPlanInput, type TestResourceInput, type TestServiceInput } from '../../core/test-kit/test-plan.js';

/**
 * A shell command that runs `script` first (exiting with its code if it fails), then idles
 * until stopped. It exits at once on SIGTERM: a shell running as PID 1 would otherwise ignore
 * it and make every stop wait for the kill.
 */
export function idle(script = 'true'): string[] {
  return ['sh', '-c', `set -e; ${script}; trap 'exit 0' TERM; sleep 3600 & wait`];
}
