/** An environment as the API shows it (TLS material is never returned). */
export interface Environment {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly dockerHost: string | null;
  readonly isDefault: boolean;
  readonly createdAt: string;
}
