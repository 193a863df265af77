import type { PublicSetting } from '../hooks/runtime.js';

/**
 * An environment as the API shows it: its own fields, and beside them the settings its runtime
 * makes public (the Docker runtime's `dockerHost`). Secret settings are never part of it.
 */
export interface Environment {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly isDefault: boolean;
  readonly createdAt: string;
  readonly [setting: string]: PublicSetting;
}
