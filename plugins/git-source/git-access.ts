/** What git needs to reach a remote: credentials and TLS settings, passed only through the environment. */
export interface GitAccessOptions {
  /** Both or neither; only for http(s) remotes. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly sslVerify: boolean;
}

/** The environment for git child processes, and a filter that keeps the credentials out of text. */
export interface GitAccess {
  readonly env: Readonly<Record<string, string>>;
  /** The guarded variables `env` sets, for simple-git's `allowEnvironment` option. */
  readonly allowEnvironment: readonly string[];
  /** Whether `env` sets git configuration through `GIT_CONFIG_COUNT` (simple-git must be told). */
  readonly setsConfig: boolean;
  /** Replaces every form of the credentials in `text` with `***`. */
  scrub(text: string): string;
}

/**
 * Variables simple-git guards besides `GIT_*`: a value inherited from the host's environment
 * could run programs or prompt, so they are never passed on.
 */
const guardedNames = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

/** Trust settings an operator may set for a private certificate authority; passed on when set. */
const passedTrustVariables = ['GIT_SSL_CAINFO', 'GIT_SSL_CAPATH'];

/**
 * Builds the environment for one source's git commands. Credentials travel as an
 * `http.extraHeader` set through `GIT_CONFIG_*` variables: never in the URL (which git prints
 * and stores in the checkout's config) and never on the command line (visible to every user of
 * the machine). Prompts are switched off so bad credentials fail instead of waiting for input.
 */
export function gitAccess(options: GitAccessOptions): GitAccess {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    const upper = name.toUpperCase();
    if (value === undefined || guardedNames.has(upper)) continue;
    if (upper.startsWith('GIT_') && !passedTrustVariables.includes(upper)) continue;
    env[name] = value;
  }
  env['GIT_TERMINAL_PROMPT'] = '0';

  const config: Array<[string, string]> = [];
  const secrets: string[] = [];
  if (options.username && options.password) {
    const token = Buffer.from(`${options.username}:${options.password}`).toString('base64');
    config.push(['http.extraHeader', `Authorization: Basic ${token}`]);
    secrets.push(token, `${options.username}:${options.password}`, options.password, options.username);
  }
  if (!options.sslVerify) config.push(['http.sslVerify', 'false']);
  if (config.length > 0) env['GIT_CONFIG_COUNT'] = String(config.length);
  for (const [index, [key, value]] of config.entries()) {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  }

  const allowEnvironment = Object.keys(env).filter((name) => name.toUpperCase().startsWith('GIT_'));
  // Longest first, so replacing a part never leaves the rest of a longer form readable.
  const ordered = secrets.filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  return {
    env,
    allowEnvironment,
    setsConfig: config.length > 0,
    scrub: (text) => ordered.reduce((scrubbed, secret) => scrubbed.split(secret).join('***'), text),
  };
}
