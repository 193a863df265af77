import test from 'ava';
import { renderDetails } from '../../cli/render-details.js';
import { renderTable } from '../../cli/render-table.js';

test('a table pads every column to its widest cell and leaves no trailing blanks', (t) => {
  const rows = [
    { name: 'local', host: '' },
    { name: 'staging-eu', host: 'tcp://10.0.0.5:2376' },
  ];
  const table = renderTable(rows, [
    { header: 'name', value: (row) => row.name },
    { header: 'docker host', value: (row) => row.host },
  ]);
  t.is(table, ['NAME        DOCKER HOST', 'local', 'staging-eu  tcp://10.0.0.5:2376'].join('\n'));
});

test('line breaks inside a cell never break the table', (t) => {
  t.is(renderTable([{ message: 'pull failed:\n  manifest unknown' }], [{ header: 'message', value: (row) => row.message }]), 'MESSAGE\npull failed: manifest unknown');
});

test('details align their values and show a missing one as a dash', (t) => {
  t.is(renderDetails([['Status', 'Running'], ['Error', null]]), 'Status:  Running\nError:   -');
});
