import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Versions per product: each product id is published in this many versions. */
const VERSIONS_PER_PRODUCT = 5;
/** Products per team folder, so folders stay the size real catalogs have. */
const MANIFESTS_PER_FOLDER = 100;
/** Every 4th manifest is a folder product (`stack.yaml` plus an included fragment). */
const FOLDER_PRODUCT_EVERY = 4;

/** What a generated catalog holds. */
export interface GeneratedCatalog {
  readonly folder: string;
  readonly manifests: number;
  /** Every file written, fragments included. */
  readonly files: number;
  /** A product file that a "one-file change" may edit (its version stays valid). */
  readonly changeableFile: string;
}

const services = (i: number) => `services:
  api:
    image: registry.example.com/bench/api-${i}:\${API_TAG}
    ports: ["\${API_PORT}:8080"]
    environment:
      LOG_LEVEL: \${LOG_LEVEL}
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
    dependsOn: [db]
    healthCheck: { type: http, path: /health, port: 8080, interval: 10s }
    labels: { team: "team-${i % 17}" }
  db:
    image: registry.example.com/bench/postgres:16
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
    volumes: ["data:/var/lib/postgresql/data"]
volumes:
  data: {}
`;

const variables = `variables:
  API_TAG: { default: "latest", label: API image tag }
  API_PORT: { type: Port, default: "8080" }
  LOG_LEVEL: { type: Select, default: info, options: [{ value: info }, { value: debug }] }
  DB_PASSWORD: { type: Password, required: true }
`;

const metadata = (i: number) => {
  const product = Math.floor(i / VERSIONS_PER_PRODUCT);
  const version = `1.${i % VERSIONS_PER_PRODUCT}.0`;
  return `metadata:
  name: Bench Product ${product}
  productId: com.example.bench.product-${product}
  productVersion: "${version}"
  description: Generated product ${product}, version ${version}, for the catalog benchmark.
  category: Benchmark
  tags: [bench, generated]
`;
};

/**
 * Writes `count` product manifests into `root`, in team folders of 100: most are single-file
 * products, every 4th a folder product whose stack comes from an included fragment. Products
 * come in 5 versions each, so the catalog groups and sorts versions as a real one does.
 */
export async function writeCatalogManifests(root: string, count: number): Promise<GeneratedCatalog> {
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const folder = `team-${String(Math.floor(i / MANIFESTS_PER_FOLDER)).padStart(4, '0')}`;
    const name = `product-${String(i).padStart(6, '0')}`;
    if (i % FOLDER_PRODUCT_EVERY === FOLDER_PRODUCT_EVERY - 1) {
      files.set(`${folder}/${name}/stack.yaml`, `${metadata(i)}stacks:\n  app:\n    include: app.yml\n`);
      files.set(`${folder}/${name}/app.yml`, `metadata: { name: App }\n${variables}${services(i)}`);
    } else {
      files.set(`${folder}/${name}.yaml`, `${metadata(i)}${variables}${services(i)}`);
    }
  }
  const folders = new Set([...files.keys()].map((file) => dirname(join(root, file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  // Bounded parallelism: fast on an SSD, without opening thousands of files at once.
  const entries = [...files];
  for (let start = 0; start < entries.length; start += 64) {
    await Promise.all(entries.slice(start, start + 64).map(([file, text]) => writeFile(join(root, file), text)));
  }
  const changeableFile = [...files.keys()].find((file) => !file.endsWith('/app.yml') && !file.endsWith('/stack.yaml'));
  if (changeableFile === undefined) throw new Error('the generated catalog has no single-file product');
  return { folder: root, manifests: count, files: files.size, changeableFile };
}
