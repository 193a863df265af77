import type { Knex } from 'knex';
import { NotFoundError } from '../errors.js';
import type { Store } from '../store/open-store.js';
import { rowLookup } from '../store/row-lookup.js';
import type { Intent } from '../hooks/intent.js';
import { boundedText } from './bounded-text.js';
import type {
  Deployment, DeploymentStanding, DeploymentStatus, HistoryEntry, OperationKind, OperationOutcome, PendingChange, ProductDeployment,
  ProductDeploymentStatus, ServiceRecord,
} from './deployment.js';
import { IN_FLIGHT_STATUSES } from './deployment.js';

interface DeploymentRow {
  id: string;
  environment_id: string;
  stack_name: string;
  active_key: string | null;
  stack_id: string;
  product_id: string;
  product_name: string;
  stack_definition: string;
  version: string;
  previous_version: string | null;
  status: string;
  error_message: string | null;
  variables: string;
  secret_variables: string;
  services: string;
  pending: string | null;
  product_deployment_id: string | null;
  stack_order: number | null;
  created_at: string;
  updated_at: string;
}

const standingColumns = ['status', 'product_id', 'stack_definition', 'version', 'variables'] as const;
type StandingRow = Pick<DeploymentRow, (typeof standingColumns)[number]>;

interface HistoryRow {
  id: number;
  deployment_id: string;
  operation: string;
  outcome: string;
  started_at: string;
  finished_at: string | null;
  message: string | null;
  triggered_by: string;
  from_version: string | null;
  to_version: string | null;
  reason: string | null;
  commit_ref: string | null;
  pipeline_url: string | null;
  operation_id: string | null;
}

interface ProductRow {
  id: string;
  environment_id: string;
  product_id: string;
  product_name: string;
  version: string;
  deployment_name: string;
  status: string;
  error_message: string | null;
  active_key: string | null;
  created_at: string;
  updated_at: string;
}

/** A deployment about to be created, with the operation that creates it. */
export interface NewDeployment
  extends Pick<
    Deployment,
    'id' | 'environmentId' | 'stackName' | 'stackId' | 'productId' | 'productName' | 'stackDefinitionName' | 'variables' | 'secretVariables' | 'productDeploymentId'
  > {
  readonly version: string;
  readonly stackOrder: number | null;
}

/** The start of an operation: the status while it runs and what it will make of the deployment. */
export interface OperationStart {
  readonly operation: OperationKind;
  readonly status: DeploymentStatus;
  readonly triggeredBy: string;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  readonly pending: PendingChange | null;
  /** Why it runs, as its caller said; none for what the host does on its own. */
  readonly intent?: Intent;
  /** The operation the caller's request became, when it is one. */
  readonly operationId?: string | undefined;
}

/** What the deployment becomes when the target of a successful operation is taken over. */
export interface CommittedChange {
  readonly stackId: string;
  /** The stack's name in the manifest of `version` (a new version may rename it). */
  readonly stackDefinitionName: string;
  readonly version: string;
  readonly previousVersion: string | null;
  readonly variables: Readonly<Record<string, string>>;
  readonly secretVariables: readonly string[];
}

/** How an operation ended. */
export interface OperationEnd {
  readonly status: DeploymentStatus;
  readonly outcome: Exclude<OperationOutcome, 'InProgress'>;
  readonly message: string;
  /** Shown on the deployment; `null` clears an earlier one. */
  readonly errorMessage: string | null;
  /** The containers as they are now; left as they were when omitted. */
  readonly services?: readonly ServiceRecord[];
  readonly commit?: CommittedChange;
}

/** A product deployment with its stacks in manifest order. */
export interface ProductDeploymentState {
  readonly product: ProductDeployment;
  readonly stacks: readonly Deployment[];
}

/** A product deployment about to be created: the store sets the times, and no error yet. */
export type NewProductDeployment = Omit<ProductDeployment, 'errorMessage' | 'createdAt' | 'updatedAt'>;

const now = (): string => new Date().toISOString();
const json = (value: unknown): string => JSON.stringify(value);
const activeKey = (name: string): string => name.toLowerCase();

function toDeployment(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    environmentId: row.environment_id,
    stackName: row.stack_name,
    stackId: row.stack_id,
    productId: row.product_id,
    productName: row.product_name,
    stackDefinitionName: row.stack_definition,
    stackVersion: row.version,
    previousVersion: row.previous_version,
    status: row.status as DeploymentStatus,
    errorMessage: row.error_message,
    variables: JSON.parse(row.variables) as Record<string, string>,
    secretVariables: JSON.parse(row.secret_variables) as string[],
    services: JSON.parse(row.services) as ServiceRecord[],
    pending: row.pending === null ? null : (JSON.parse(row.pending) as PendingChange),
    productDeploymentId: row.product_deployment_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    id: Number(row.id),
    operation: row.operation as OperationKind,
    outcome: row.outcome as OperationOutcome,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    message: row.message,
    triggeredBy: row.triggered_by,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    reason: row.reason,
    commit: row.commit_ref,
    pipelineUrl: row.pipeline_url,
    operationId: row.operation_id,
  };
}

function toProductDeployment(row: ProductRow): ProductDeployment {
  return {
    id: row.id,
    environmentId: row.environment_id,
    productId: row.product_id,
    productName: row.product_name,
    version: row.version,
    deploymentName: row.deployment_name,
    status: row.status as ProductDeploymentStatus,
    errorMessage: row.error_message,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The deployment tables: deployments, their history and product deployments. Every change of a
 * deployment's state and its history entry is written in one transaction.
 */
export class DeploymentStore {
  readonly #db: Store;
  readonly #activeByKey: (environmentId: string, key: string) => Promise<DeploymentRow | undefined>;
  readonly #standingByKey: (environmentId: string, key: string) => Promise<StandingRow | undefined>;

  constructor(db: Store) {
    this.#db = db;
    // Asked by every redeploy and upgrade call: by its checks, then by its work under the lock.
    this.#activeByKey = rowLookup(db, (store, environmentId, key) => store('deployments').where({ environment_id: environmentId, active_key: key }));
    this.#standingByKey = rowLookup(db, (store, environmentId, key) => store('deployments').select(...standingColumns).where({ environment_id: environmentId, active_key: key }));
  }

  async get(id: string): Promise<Deployment | null> {
    const row = await this.#db<DeploymentRow>('deployments').where({ id }).first();
    return row ? toDeployment(row) : null;
  }

  /** @throws NotFoundError when there is no deployment with this id. */
  async require(id: string): Promise<Deployment> {
    const deployment = await this.get(id);
    if (!deployment) throw new NotFoundError(`Deployment '${id}' not found.`, { code: 'DEPLOYMENT_NOT_FOUND' });
    return deployment;
  }

  /** @throws NotFoundError when there is no product deployment with this id. */
  async requireProduct(id: string): Promise<ProductDeploymentState> {
    const product = await this.getProduct(id);
    if (!product) throw new NotFoundError(`Product deployment '${id}' not found.`, { code: 'PRODUCT_DEPLOYMENT_NOT_FOUND' });
    return { product, stacks: await this.productStacks(id) };
  }

  /** The live (not Removed) deployment of a stack name in an environment; names match case-insensitively. */
  async findActive(environmentId: string, stackName: string): Promise<Deployment | null> {
    const row = await this.#activeByKey(environmentId, activeKey(stackName));
    return row ? toDeployment(row) : null;
  }

  /** {@link findActive}'s deployment as a check before the lock judges it: a lighter read. */
  async findActiveStanding(environmentId: string, stackName: string): Promise<DeploymentStanding | null> {
    const row = await this.#standingByKey(environmentId, activeKey(stackName));
    return row ? { status: row.status as DeploymentStatus, productId: row.product_id, stackDefinitionName: row.stack_definition, stackVersion: row.version, variables: JSON.parse(row.variables) as Record<string, string> } : null;
  }

  /** Every deployment, newest first; only one environment's when given. */
  async list(environmentId?: string): Promise<Deployment[]> {
    const query = this.#db<DeploymentRow>('deployments').orderBy([{ column: 'created_at', order: 'desc' }, 'stack_name']);
    if (environmentId !== undefined) query.where({ environment_id: environmentId });
    return (await query).map(toDeployment);
  }

  /** Deployments with an operation in flight: running now, or cut off when a host stopped. */
  async listInFlight(): Promise<Deployment[]> {
    const rows = await this.#db<DeploymentRow>('deployments')
      .whereNotNull('pending')
      .orWhereIn('status', IN_FLIGHT_STATUSES)
      .orderBy('created_at');
    return rows.map(toDeployment);
  }

  /** Closes the history entries a stopped host left open, with `message` saying so. */
  async closeInterrupted(deploymentId: string, message: string): Promise<void> {
    await this.#db('deployment_history')
      .where({ deployment_id: deploymentId, outcome: 'InProgress' })
      .update({ outcome: 'Failed', finished_at: now(), message: boundedText(message) });
  }

  /** A product's stack deployments in manifest order. */
  async productStacks(productDeploymentId: string): Promise<Deployment[]> {
    const rows = await this.#db<DeploymentRow>('deployments').where({ product_deployment_id: productDeploymentId }).orderBy('stack_order');
    return rows.map(toDeployment);
  }

  /** The deployment's operations, oldest first. */
  async history(deploymentId: string): Promise<HistoryEntry[]> {
    const rows = await this.#db<HistoryRow>('deployment_history').where({ deployment_id: deploymentId }).orderBy('id');
    return rows.map(toHistoryEntry);
  }

  /** Creates a deployment and starts its first operation; returns the history entry's id. */
  async create(deployment: NewDeployment, start: OperationStart): Promise<number> {
    return this.#db.transaction(async (trx) => {
      const stamp = now();
      const row: DeploymentRow = {
        id: deployment.id,
        environment_id: deployment.environmentId,
        stack_name: deployment.stackName,
        active_key: activeKey(deployment.stackName),
        stack_id: deployment.stackId,
        product_id: deployment.productId,
        product_name: deployment.productName,
        stack_definition: deployment.stackDefinitionName,
        version: deployment.version,
        previous_version: null,
        status: start.status,
        error_message: null,
        variables: json(deployment.variables),
        secret_variables: json(deployment.secretVariables),
        services: json([]),
        pending: start.pending === null ? null : json(start.pending),
        product_deployment_id: deployment.productDeploymentId,
        stack_order: deployment.stackOrder,
        created_at: stamp,
        updated_at: stamp,
      };
      await trx('deployments').insert(row);
      return this.#insertEntry(trx, deployment.id, start, stamp);
    });
  }

  /** Moves the deployment into an operation's running status and opens its history entry. */
  async startOperation(deploymentId: string, start: OperationStart): Promise<number> {
    return this.#db.transaction(async (trx) => {
      const stamp = now();
      await trx('deployments')
        .where({ id: deploymentId })
        .update({ status: start.status, pending: start.pending === null ? null : json(start.pending), updated_at: stamp });
      return this.#insertEntry(trx, deploymentId, start, stamp);
    });
  }

  /** Records how an operation ended: status, containers, committed change and history, together. */
  async finishOperation(deploymentId: string, entryId: number, end: OperationEnd): Promise<void> {
    await this.#db.transaction(async (trx) => {
      const stamp = now();
      const update: Partial<DeploymentRow> = {
        status: end.status,
        error_message: boundedText(end.errorMessage),
        pending: null,
        updated_at: stamp,
      };
      if (end.status === 'Removed') update.active_key = null;
      if (end.services !== undefined) update.services = json(end.services);
      if (end.commit !== undefined) {
        update.stack_id = end.commit.stackId;
        update.stack_definition = end.commit.stackDefinitionName;
        update.version = end.commit.version;
        update.previous_version = end.commit.previousVersion;
        update.variables = json(end.commit.variables);
        update.secret_variables = json(end.commit.secretVariables);
      }
      await trx('deployments').where({ id: deploymentId }).update(update);
      await trx('deployment_history')
        .where({ id: entryId })
        .update({ outcome: end.outcome, finished_at: stamp, message: boundedText(end.message) });
    });
  }

  async #insertEntry(trx: Knex.Transaction, deploymentId: string, start: OperationStart, stamp: string): Promise<number> {
    // Both SQLite and MySQL answer an insert with the new auto-increment id.
    const [inserted] = await trx('deployment_history').insert({
      deployment_id: deploymentId,
      operation: start.operation,
      outcome: 'InProgress',
      started_at: stamp,
      finished_at: null,
      message: null,
      triggered_by: start.triggeredBy,
      from_version: start.fromVersion,
      to_version: start.toVersion,
      reason: start.intent?.reason ?? null,
      commit_ref: start.intent?.commit ?? null,
      pipeline_url: start.intent?.pipelineUrl ?? null,
      operation_id: start.operationId ?? null,
    });
    return Number(inserted);
  }

  async getProduct(id: string): Promise<ProductDeployment | null> {
    const row = await this.#db<ProductRow>('product_deployments').where({ id }).first();
    return row ? toProductDeployment(row) : null;
  }

  /** The live (not Removed) deployment of a product (by groupId) in an environment. */
  async findActiveProduct(environmentId: string, productId: string): Promise<ProductDeployment | null> {
    const row = await this.#db<ProductRow>('product_deployments')
      .where({ environment_id: environmentId, active_key: activeKey(productId) })
      .first();
    return row ? toProductDeployment(row) : null;
  }

  /** Product deployments whose operation never finished. */
  async listInFlightProducts(): Promise<ProductDeployment[]> {
    const rows = await this.#db<ProductRow>('product_deployments').whereIn('status', [...IN_FLIGHT_STATUSES, 'Redeploying']);
    return rows.map(toProductDeployment);
  }

  async createProduct(product: NewProductDeployment): Promise<void> {
    const stamp = now();
    const row: ProductRow = {
      id: product.id,
      environment_id: product.environmentId,
      product_id: product.productId,
      product_name: product.productName,
      version: product.version,
      deployment_name: product.deploymentName,
      status: product.status,
      error_message: null,
      active_key: activeKey(product.productId),
      created_at: stamp,
      updated_at: stamp,
    };
    await this.#db('product_deployments').insert(row);
  }

  async setProductStatus(id: string, status: ProductDeploymentStatus, errorMessage: string | null): Promise<void> {
    const update: Partial<ProductRow> = { status, error_message: boundedText(errorMessage), updated_at: now() };
    if (status === 'Removed') update.active_key = null;
    await this.#db('product_deployments').where({ id }).update(update);
  }
}
