import type { DeployContext, DeployPlan } from '../../core/plugin-api.js';
import { createLogger } from '../../core/logger.js';

/** A small valid plan for tests that exercise the pipeline, not a runtime. */
export function samplePlan(overrides: Partial<DeployPlan> = {}): DeployPlan {
  return {
    operation: 'deploy',
    deploymentId: '00000000-0000-4000-8000-000000000001',
    environment: { id: '00000000-0000-4000-8000-000000000002', name: 'local', type: 'docker', settings: { dockerHost: null, tls: null } },
    stackName: 'demo',
    productId: 'com.example.demo',
    version: '1.0.0',
    labels: {},
    services: [],
    volumes: [],
    networks: [],
    removeVolumes: false,
    ...overrides,
  };
}

/** A deploy context with a silent logger and no deadline. */
export function sampleContext(): DeployContext {
  return { signal: new AbortController().signal, principal: null, requestId: null, log: createLogger({ level: 'silent' }), progress: () => {} };
}
