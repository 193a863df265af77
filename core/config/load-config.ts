import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml';
import { aliasExpansion } from '../alias-expansion.js';
import { ConfigError, errorMessage } from '../errors.js';
import { configSchema, type HostConfig } from './config-schema.js';
import { formatIssues } from './format-issues.js';

/** A config file after loading: the validated values and where relative paths start. */
export interface LoadedConfig {
  readonly config: HostConfig;
  /** Folder of the config file; relative paths in it resolve against this. */
  readonly configDir: string;
  readonly configPath: string;
}

const variablePattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\$/g;

/** Replaces `${VAR}` and `${VAR:-default}` in every string; an unset `${VAR}` is a problem. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(variablePattern, (match, name: string | undefined, fallback: string | undefined) => {
      if (name === undefined) return '$'; // `$$` escapes a literal dollar
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      problems.push(`${path || '(root)'}: environment variable ${name} is not set`);
      return match;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, `${path}[${i}]`, problems));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, substituteEnv(item, env, path ? `${path}.${key}` : key, problems)]),
    );
  }
  return value;
}

/** Validates a config object (already parsed and substituted); every problem at once. */
export function validateConfig(raw: unknown): HostConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues));
  return parsed.data;
}

/** Nodes that aliases may add to a config file when written out. */
const MAX_CONFIG_ALIAS_NODES = 1_000;

/**
 * The one YAML document of a config file (undefined when empty). Duplicate keys are errors;
 * aliases add little (the file is the operator's, but a value walked later must stay small).
 */
function parseConfigYaml(text: string): unknown {
  let documents: unknown[];
  try {
    documents = loadAll(text, null, { schema: CORE_SCHEMA });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const at = err.mark === undefined ? '' : `line ${err.mark.line + 1}, column ${err.mark.column + 1}: `;
    throw new ConfigError([`YAML: ${at}${err.reason}`]);
  }
  if (documents.length > 1) throw new ConfigError(['YAML: a config file is one document']);
  if (aliasExpansion(documents[0], MAX_CONFIG_ALIAS_NODES) > MAX_CONFIG_ALIAS_NODES) {
    throw new ConfigError([`YAML: aliases would add more than ${MAX_CONFIG_ALIAS_NODES} nodes`]);
  }
  return documents[0];
}

/** Parses and validates config text; every problem is reported at once in one ConfigError. */
export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): HostConfig {
  const raw: unknown = parseConfigYaml(text) ?? {};
  const problems: string[] = [];
  const substituted = substituteEnv(raw, env, '', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const parsed = validateConfig(substituted);
  const port = env['RSGO_PORT'];
  if (port === undefined) return parsed;
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65_535) {
    throw new ConfigError([`RSGO_PORT: expected a port number, got '${port}'`]);
  }
  return { ...parsed, server: { ...parsed.server, port: portNumber } };
}

/** Reads, substitutes and validates the config file at `path`. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const configPath = resolve(path);
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read config file ${configPath}: ${errorMessage(err)}`]);
  }
  return { config: parseConfig(text, env), configDir: dirname(configPath), configPath };
}
