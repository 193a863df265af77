import test from 'ava';
import { triggerLabel } from '../../../web/src/format/trigger-label.js';

test('who or what started an operation, in words', (t) => {
  t.is(triggerLabel('apiKey:Azure DevOps Deploy'), 'API key "Azure DevOps Deploy"');
  t.is(triggerLabel('user:admin'), 'User admin');
  t.is(triggerLabel('user:team:ops'), 'User team:ops');
  t.is(triggerLabel('host'), 'rsgo itself');
  t.is(triggerLabel('plugin-x'), 'plugin-x');
  t.is(triggerLabel(null), '—');
});
