/**
 * The public plugin API (`rsgo/plugin`): the only module plugins import from the host.
 * Everything exported here is covered by PLUGIN_API_VERSION's compatibility promise
 * (docs/plugins.md, "Compatibility").
 */
export { definePlugin, PLUGIN_API_VERSION } from './plugin-host/define-plugin.js';
export type { PluginContext, PluginDefinition } from './plugin-host/define-plugin.js';
export type { HostServices } from './plugin-host/host-services.js';
export type { AttemptResult, DeliveryAttempt, DeliveryChannel, EventDeliveryQueue, NewDelivery } from './plugin-host/event-delivery.js';
export type { PluginHooks, TapOnly, TapOptions } from './hooks/host-hooks.js';
export type { AuthRequest, HostPrincipal, PluginPrincipal, Principal } from './hooks/principal.js';
export type { Intent } from './hooks/intent.js';
export type {
  ContainerHealth, ContainerOutput, DeployContext, DeployedService, DeployOperation, DeployOutcome, DeployPlan, DeployProgress, DeployResult,
  HealthCheck, Mount, PlanEnvironment, PlannedResource, PlannedService, PortBinding, ResourceLimits, ServiceReplicas, SwarmFields,
  UpdatePolicy,
} from './hooks/deploy-plan.js';
export type {
  ContainerAction, InspectTarget, LogsRequest, PublicSetting, RuntimeCallContext, RuntimeDefinition, RuntimeEnvironment, RuntimeLogLine,
} from './hooks/runtime.js';
export type { CatalogSourceRequest, CatalogSourceResult, SourceFiles } from './hooks/catalog-source.js';
export type { CatalogSyncOutcome } from './hooks/catalog-sync-outcome.js';
export { directorySourceFiles, MAX_MANIFEST_BYTES } from './catalog/directory-source-files.js';
export type { DirectoryScanOptions } from './catalog/directory-source-files.js';
export { inMemorySourceFiles } from './catalog/in-memory-source-files.js';
export type { ManifestContent } from './catalog/in-memory-source-files.js';
export type { Logger } from './logger.js';
export type { ApiKeyCredential, ApiKeyDirectory } from './api-keys/api-key.js';
export { apiKeyDisplayPrefix, hashApiKey, isApiKeyFormat } from './api-keys/api-key-format.js';
export type { AuditAction, AuditEventInput, AuditOutcome, AuditRecorder } from './audit/audit-event.js';
export { FailureBrake } from './auth/failure-brake.js';
export type { BrakeAttempt, BrakeLimits } from './auth/failure-brake.js';
export { INVALID_CREDENTIALS_MESSAGE } from './http/authorize.js';
export { HostError, errorMessage } from './errors.js';
export type { ErrorCode } from './error-codes.js';
export {
  AuthenticationError, ConflictError, DeploymentFailedError, ForbiddenError, InputError, InternalError, NotFoundError,
  RolledBackError, TooManyRequestsError, UnavailableError, UpstreamError,
} from './plugin-errors.js';
export type { HostErrorOptions, PluginErrorCode } from './plugin-errors.js';
/**
 * The host's own zod, for option schemas: a plugin that uses it needs no zod of its own, and
 * its schema is always the type `definePlugin` expects.
 */
export { z } from 'zod';
