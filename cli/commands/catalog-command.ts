import { listField } from '../answer-fields.js';
import type { CatalogProduct } from '../api-contract.js';
import { commonOptions, type CommandGroup } from '../command.js';
import { hostOptions, managementClient, OPERATION_TIMEOUT_S } from '../host-connection.js';
import { withProgress } from '../progress-indicator.js';
import { renderTable } from '../render-table.js';
import { reportSyncAnswer } from '../report-sync-answer.js';

/** `rsgo catalog sync|list`: the products the host can deploy. */
export const catalogCommands: CommandGroup = {
  name: 'catalog',
  summary: 'synchronise and list the catalog of deployable products',
  commands: [
    {
      name: 'sync',
      summary: 'reload every catalog source now',
      description:
        'Synchronises every enabled catalog source (local folders, Git repositories). Skipped manifests are listed as warnings; ' +
        'a source that fails is listed and makes the command fail, the others are still loaded.',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo catalog sync'],
      async run(input) {
        const client = managementClient(input, OPERATION_TIMEOUT_S);
        const answer = await withProgress(input.io.stderr, 'Synchronising the catalog', () => client.send('POST', '/api/catalog/sync'));
        reportSyncAnswer(input, answer);
      },
    },
    {
      name: 'list',
      summary: 'list the products in the catalog',
      options: { ...hostOptions, ...commonOptions },
      examples: ['rsgo catalog list', "rsgo catalog list --json | jq -r '.products[].groupId'"],
      async run(input) {
        const body = await managementClient(input).call('GET', '/api/catalog');
        if (input.json) return input.printJson(body);
        const products = listField<CatalogProduct>(body, 'products');
        if (products.length === 0) return input.out("The catalog is empty. Add a catalog source to the config, then run 'rsgo catalog sync'.");
        input.out(
          renderTable(products, [
            { header: 'product', value: (product) => product.groupId },
            { header: 'name', value: (product) => product.name },
            { header: 'version', value: (product) => product.version },
            { header: 'versions', value: (product) => (product.versions ?? [product.version]).join(', ') },
            { header: 'stacks', value: (product) => (product.stacks ?? []).map((stack) => stack.name).join(', ') },
            { header: 'source', value: (product) => product.sourceId },
          ]),
        );
      },
    },
  ],
};
