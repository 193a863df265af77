/** What the create form holds before it is sent. */
export interface ApiKeyFormValues {
  readonly name: string;
  readonly permissions: readonly string[];
  /** An environment id, or '' for every environment. */
  readonly environmentId: string;
  /** `YYYY-MM-DD` from the date input, or ''. */
  readonly expiry: string;
}

export type ApiKeyField = 'name' | 'permissions' | 'environment' | 'expiry';

export type ApiKeyFieldErrors = Partial<Record<ApiKeyField, string>>;

/** Longest name the host accepts. */
export const MAX_NAME_LENGTH = 100;
