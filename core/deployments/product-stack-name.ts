/**
 * The deployment name of one stack of a product deployment: `<deploymentName>-<stack>` in lower
 * case, every run of characters other than a-z and 0-9 turned into `-` (and none at either
 * end): product deployment `acme` with stack `API` gives `acme-api`.
 */
export function productStackName(deploymentName: string, stackName: string): string {
  return `${deploymentName}-${stackName}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
