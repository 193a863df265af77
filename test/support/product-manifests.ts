/** Small, valid product manifests for catalog tests. */

export interface ProductOptions {
  /** `metadata.productId`; the product's groupId (default `<sourceId>:<name>`). */
  readonly productId?: string;
  readonly image?: string;
}

/** A single-stack product with one service, as YAML text. */
export function singleStackProduct(name: string, version: string, options: ProductOptions = {}): string {
  const productId = options.productId === undefined ? '' : `  productId: ${options.productId}\n`;
  return (
    `metadata:\n  name: ${name}\n${productId}  productVersion: "${version}"\n` +
    `services:\n  web:\n    image: ${options.image ?? 'example/web:1'}\n`
  );
}
