/** The permissions a key can hold: one per webhook, as the seed's form names them. */
export const HOOK_PERMISSIONS = [
  { value: 'Hooks.Redeploy', label: 'Redeploy', description: 'Restart the stack with fresh images' },
  { value: 'Hooks.Upgrade', label: 'Upgrade', description: 'Upgrade the stack to a new catalog version' },
  { value: 'Hooks.SyncSources', label: 'Sync Sources', description: 'Synchronize catalog sources' },
] as const;

/** The form's label of a permission value; unknown values (a plugin's hook) as they are. */
export function permissionLabel(value: string): string {
  return HOOK_PERMISSIONS.find((permission) => permission.value === value)?.label ?? value;
}
