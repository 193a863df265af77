/**
 * Module resolution hooks, run in Node's loader thread (see provide-plugin-api.ts): the bare
 * specifier `rsgo/plugin` always resolves to the host's own plugin API, wherever the importing
 * plugin lives and whatever copy of `rsgo` (if any) its folder holds.
 */

interface HookData {
  readonly pluginApiUrl: string;
}

interface ResolveContext {
  readonly conditions: readonly string[];
  readonly importAttributes: Readonly<Record<string, string>>;
  readonly parentURL?: string | undefined;
}

interface Resolved {
  readonly url: string;
  readonly format?: string | null | undefined;
  readonly shortCircuit?: boolean | undefined;
}

let pluginApiUrl: string | null = null;

export function initialize(data: HookData): void {
  pluginApiUrl = data.pluginApiUrl;
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => Promise<Resolved>,
): Promise<Resolved> {
  if (specifier === 'rsgo/plugin' && pluginApiUrl !== null) return { url: pluginApiUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
