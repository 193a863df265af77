/**
 * `${NAME}` / `${NAME:-fallback}` placeholders in manifest strings. `$$` is a literal `$`;
 * any other `$` (including `$NAME` and forms such as `${NAME?err}`) is kept as written.
 */
import type { CommandManifest, HealthCheckManifest, ServiceManifest } from './manifest-model.js';

/** Names a placeholder may use: what environment variables allow. */
const variableName = /^[A-Za-z_][A-Za-z0-9_]*/;

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string; readonly fallback: string | null };

/** Index of the `}` closing a fallback that starts at `from`, skipping nested `${...}`; -1 if none. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text.startsWith('$$', i)) i++;
    else if (text.startsWith('${', i)) {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Splits a string into literal text and placeholders. */
function scan(text: string): Segment[] {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$$', i)) {
      literal += '$';
      i += 2;
      continue;
    }
    if (text.startsWith('${', i)) {
      const name = variableName.exec(text.slice(i + 2))?.[0];
      if (name !== undefined) {
        const after = i + 2 + name.length;
        if (text[after] === '}') {
          if (literal !== '') segments.push({ kind: 'text', text: literal });
          literal = '';
          segments.push({ kind: 'variable', name, fallback: null });
          i = after + 1;
          continue;
        }
        if (text.startsWith(':-', after)) {
          const end = closingBrace(text, after + 2);
          if (end >= 0) {
            if (literal !== '') segments.push({ kind: 'text', text: literal });
            literal = '';
            segments.push({ kind: 'variable', name, fallback: text.slice(after + 2, end) });
            i = end + 1;
            continue;
          }
        }
      }
    }
    literal += text[i];
    i++;
  }
  if (literal !== '') segments.push({ kind: 'text', text: literal });
  return segments;
}

/**
 * Replaces placeholders with `values`. An unknown or empty name gives its fallback (itself
 * substituted, so `${A:-${B}}` works) or the empty string.
 */
export function substituteVariables(text: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  for (const segment of scan(text)) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const value = Object.hasOwn(values, segment.name) ? values[segment.name] : undefined;
    if (value !== undefined && value !== '') out += value;
    else if (segment.fallback !== null) out += substituteVariables(segment.fallback, values);
  }
  return out;
}

/**
 * Replaces every placeholder with `mask` (and `$$` with `$`), so the syntax of a value that
 * still holds placeholders can be checked: a part containing `mask` is "decided at deploy".
 */
export function maskVariables(text: string, mask: string): string {
  return scan(text)
    .map((segment) => (segment.kind === 'text' ? segment.text : mask))
    .join('');
}

/** The variable names a string refers to, fallbacks included, in order of appearance. */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const segment of scan(text)) {
    if (segment.kind !== 'variable') continue;
    if (!names.includes(segment.name)) names.push(segment.name);
    if (segment.fallback !== null) {
      for (const inner of referencedVariables(segment.fallback)) if (!names.includes(inner)) names.push(inner);
    }
  }
  return names;
}

type Template = (text: string) => string;

function mapRecord(record: Readonly<Record<string, string>>, map: Template): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

function mapCommand(command: CommandManifest | null, map: Template): CommandManifest | null {
  if (command === null) return null;
  if (typeof command === 'string') return map(command);
  return command.map(map);
}

function mapHealthCheck(check: HealthCheckManifest | null, map: Template): HealthCheckManifest | null {
  if (check === null || check.type === 'none') return check;
  if (check.type === 'docker') return { ...check, test: check.test.map(map) };
  return { ...check, path: map(check.path) };
}

/**
 * A copy of `service` with `map` applied to every free-text field: image, containerName, ports,
 * environment values, volumes, command, entrypoint, workingDir, user, label values and the
 * health check's test and path. Names (service, networks, dependsOn, keys) are not templates.
 */
function mapServiceTemplates(service: ServiceManifest, map: Template): ServiceManifest {
  return {
    ...service,
    image: service.image === null ? null : map(service.image),
    containerName: service.containerName === null ? null : map(service.containerName),
    ports: service.ports.map(map),
    environment: mapRecord(service.environment, map),
    volumes: service.volumes.map(map),
    command: mapCommand(service.command, map),
    entrypoint: mapCommand(service.entrypoint, map),
    workingDir: service.workingDir === null ? null : map(service.workingDir),
    user: service.user === null ? null : map(service.user),
    labels: mapRecord(service.labels, map),
    healthCheck: mapHealthCheck(service.healthCheck, map),
  };
}

/** A copy of `service` with every template field (see {@link mapServiceTemplates}) substituted. */
export function substituteServiceVariables(service: ServiceManifest, values: Readonly<Record<string, string>>): ServiceManifest {
  return mapServiceTemplates(service, (text) => substituteVariables(text, values));
}

/** Every variable name the template fields of `services` refer to, fallbacks included. */
export function servicesVariableNames(services: readonly ServiceManifest[]): Set<string> {
  const names = new Set<string>();
  for (const service of services) {
    mapServiceTemplates(service, (text) => {
      for (const name of referencedVariables(text)) names.add(name);
      return text;
    });
  }
  return names;
}
