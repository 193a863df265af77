import type { ExecutionContext } from 'ava';
import { startTestHost, type TestHost, type TestHostOptions } from '../../core/testing.js';

/** Starts a real host for one test and stops it when the test ends. */
export async function useTestHost(t: ExecutionContext, options: TestHostOptions = {}): Promise<TestHost> {
  const host = await startTestHost(options);
  t.teardown(() => host.close());
  return host;
}
