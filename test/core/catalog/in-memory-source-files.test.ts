import test from 'ava';
import { inMemorySourceFiles } from '../../../core/plugin-api.js';
import { readSourceManifests } from '../../../core/catalog/read-source-manifests.js';

const yamlProduct = 'metadata:\n  name: api\n  productVersion: "1.0.0"\nservices:\n  web:\n    image: example/api:1\n';
const parsedProduct = { metadata: { name: 'worker', productVersion: '2.0.0' }, services: { run: { image: 'example/worker:2', ports: ['8080:80'] } } };

test('parsed manifests and YAML text are read alike by the host', async (t) => {
  const files = inMemorySourceFiles({ 'api.yaml': yamlProduct, 'worker.yaml': parsedProduct });
  const { products, warnings } = await readSourceManifests('mem', files);
  t.deepEqual(warnings, []);
  t.deepEqual(products.map((product) => `${product.name}@${product.version}`), ['api@1.0.0', 'worker@2.0.0']);
});

test('a parsed manifest that is invalid is reported like a file, naming the path', async (t) => {
  const { products, warnings } = await readSourceManifests('mem', inMemorySourceFiles({ 'bad.yaml': { metadata: { name: 'x', productVersion: '1.0.0' } } }));
  t.deepEqual(products, []);
  t.is(warnings[0]?.file, 'bad.yaml');
});

test('the revision follows the contents unless one is given', (t) => {
  const a = inMemorySourceFiles({ 'api.yaml': yamlProduct });
  t.is(inMemorySourceFiles({ 'api.yaml': yamlProduct }).revision, a.revision);
  t.not(inMemorySourceFiles({ 'api.yaml': `${yamlProduct}# changed\n` }).revision, a.revision);
  t.is(inMemorySourceFiles({ 'api.yaml': yamlProduct }, 'commit-1').revision, 'commit-1');
});

test('reading a path that is not in the source fails like a missing file', async (t) => {
  const err = await t.throwsAsync(inMemorySourceFiles({}).read('nope.yaml'));
  t.is((err as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
});
