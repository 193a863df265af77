import type { CatalogProduct } from './catalog-service.js';
import type { VariableDefinition } from '../manifests/manifest-model.js';
import { PASSWORD_MASK, mergeVariableDefinitions } from '../manifests/validate-variables.js';

/** A variable as the API shows it; a Password's default is masked. */
export interface VariableView {
  readonly name: string;
  readonly type: string;
  readonly default: string | null;
  readonly required: boolean;
  readonly label: string | null;
  readonly description: string | null;
  readonly pattern: string | null;
  readonly patternError: string | null;
  readonly options: readonly { readonly value: string; readonly label: string | null; readonly description: string | null }[];
  readonly min: number | null;
  readonly max: number | null;
  readonly group: string | null;
  readonly order: number | null;
  readonly placeholder: string | null;
}

/** One product group in `GET /api/catalog`: its latest version, with every version listed. */
export interface ProductView {
  readonly id: string;
  readonly groupId: string;
  readonly name: string;
  readonly version: string;
  readonly sourceId: string;
  /** Ascending SemVer order. */
  readonly versions: readonly string[];
  readonly description: string | null;
  readonly category: string | null;
  readonly tags: readonly string[];
  readonly stacks: readonly {
    readonly name: string;
    readonly description: string | null;
    readonly services: readonly string[];
    /** What a deploy of this stack asks for: the product's shared variables merged with the stack's. */
    readonly variables: readonly VariableView[];
  }[];
}

function variableView(definition: VariableDefinition): VariableView {
  const { requiredGiven: _internal, ...shown } = definition;
  const masked = definition.type === 'Password' && definition.default !== null;
  return { ...shown, default: masked ? PASSWORD_MASK : definition.default };
}

/** The API view of a product group (versions in ascending order; the last is shown). */
export function productView(versions: readonly CatalogProduct[]): ProductView | null {
  const latest = versions.at(-1);
  if (latest === undefined) return null;
  const { manifest } = latest;
  return {
    id: latest.id,
    groupId: latest.groupId,
    name: latest.name,
    version: latest.version,
    sourceId: latest.sourceId,
    versions: versions.map((product) => product.version),
    description: manifest.description,
    category: manifest.category,
    tags: manifest.tags,
    stacks: manifest.stacks.map((stack) => ({
      name: stack.name,
      description: stack.description,
      services: stack.services.map((service) => service.name),
      variables: mergeVariableDefinitions(manifest.sharedVariables, stack.variables).map(variableView),
    })),
  };
}
