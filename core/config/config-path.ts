/** The config file used when neither `--config` nor `RSGO_CONFIG` names one. */
export const DEFAULT_CONFIG_PATH = 'config/rsgo.yaml';

/** The config file to use: the `--config` flag, else `RSGO_CONFIG`, else the default. */
export function configPathOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env['RSGO_CONFIG'] || DEFAULT_CONFIG_PATH);
}
