import type { CatalogProduct, CatalogService } from '../catalog/catalog-service.js';
import type { StackManifest, VariableDefinition } from '../manifests/manifest-model.js';
import { servicesVariableNames } from '../manifests/substitute-variables.js';
import { mergeVariableDefinitions, type StackVariables } from '../manifests/validate-variables.js';
import { InputError } from '../errors.js';

/** The catalog as deployments read it; `upToDate()` before a lookup, so that another host's sync counts at once. */
export type CatalogLookup = Pick<CatalogService, 'find' | 'versions' | 'upToDate'>;

/** One stack of one product version, with what a deploy needs from the catalog. */
export interface CatalogStack extends StackVariables {
  readonly product: CatalogProduct;
  readonly stack: StackManifest;
  /** `<product id>:<stack name>`: the product's catalog id plus the stack. */
  readonly stackId: string;
  /** The stack's variables merged over the product's shared ones. */
  readonly variables: readonly VariableDefinition[];
}

/** The versions of a product as a message lists them: ascending SemVer, comma-separated. */
export function availableVersions(catalog: CatalogLookup, productId: string): string {
  return catalog.versions(productId).map((product) => product.version).join(', ');
}

/**
 * A version of a product (the latest when `version` is omitted).
 * @throws InputError naming the product, or the version and the versions there are.
 */
export function findProductVersion(catalog: CatalogLookup, productId: string, version: string | null): CatalogProduct {
  if (catalog.versions(productId).length === 0) {
    throw new InputError(`Product '${productId}' not found in catalog.`, { code: 'PRODUCT_NOT_FOUND' });
  }
  const product = catalog.find(productId, version ?? undefined);
  if (product === null) {
    throw new InputError(`Version '${version}' not found in catalog. Available versions: ${availableVersions(catalog, productId)}`, {
      code: 'VERSION_NOT_FOUND',
    });
  }
  return product;
}

/** The stack names a refusal lists. */
const stackNames = (stacks: readonly StackManifest[]) => stacks.map((s) => s.name).join(', ');

/**
 * A stack of a product version by name (case-insensitive); without a name, the product's only
 * stack.
 * @throws InputError when the name matches no stack, or none is given for a multi-stack product.
 */
export function findStack(product: CatalogProduct, stackName: string | null): CatalogStack {
  const stacks = product.manifest.stacks;
  let stack: StackManifest | undefined;
  if (stackName === null) {
    if (stacks.length > 1) {
      throw new InputError(`Product '${product.name}' has several stacks; name one in stackDefinitionName: ${stackNames(stacks)}.`, { code: 'STACK_REQUIRED' });
    }
    stack = stacks[0];
  } else {
    const wanted = stackName.toLowerCase();
    stack = stacks.find((s) => s.name.toLowerCase() === wanted);
  }
  if (stack === undefined) {
    throw new InputError(`Stack '${stackName}' not found in product '${product.name}' version ${product.version}. Available stacks: ${stackNames(stacks)}.`, {
      code: 'STACK_NOT_FOUND',
    });
  }
  return catalogStack(product, stack);
}

/**
 * The stacks {@link catalogStack} made, per product: a catalog product never changes (a sync
 * makes new ones), and every redeploy and upgrade call asks for one, before and under its lock.
 */
const madeStacks = new WeakMap<CatalogProduct, Map<StackManifest, CatalogStack>>();

/** A product's stack with its catalog id, merged variable definitions and the names a request may set. */
export function catalogStack(product: CatalogProduct, stack: StackManifest): CatalogStack {
  let made = madeStacks.get(product);
  if (made === undefined) madeStacks.set(product, (made = new Map()));
  const known = made.get(stack);
  if (known !== undefined) return known;
  const variables = mergeVariableDefinitions(product.manifest.sharedVariables, stack.variables);
  const variableNames = servicesVariableNames(stack.services);
  for (const definition of variables) variableNames.add(definition.name);
  const found: CatalogStack = { product, stack, stackId: `${product.id}:${stack.name}`, variables, variableNames };
  made.set(stack, found);
  return found;
}

/** Every stack of a product version, or none when the catalog no longer has that version. */
export function productStacks(catalog: CatalogLookup, productId: string, version: string): CatalogStack[] {
  const product = catalog.find(productId, version);
  return product === null ? [] : product.manifest.stacks.map((stack) => catalogStack(product, stack));
}
