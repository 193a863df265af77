import { productStackName } from './product-stack-name.js';

/**
 * The network every stack of a product deployment joins: `<deploymentName>_product`, the name
 * lower-cased like its stacks' names (`Acme Platform` gives `acme-platform_product`). The `_`
 * keeps it apart from any stack's own names, which are `<deploymentName>-<stack>...`.
 */
export function productNetworkName(deploymentName: string): string {
  return `${productStackName(deploymentName, '')}_product`;
}
