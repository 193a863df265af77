import test from 'ava';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { shippedQueries } from '../support/monitoring-queries.js';
import { parsePrometheusText } from '../support/prometheus-text.js';
import { useTestHost } from '../support/test-host.js';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly datasource?: { type: string; uid: string };
  readonly targets?: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}

test('the Grafana dashboard is importable: a Prometheus data source variable, unique panel ids, every query on that data source', async (t) => {
  const dashboard = JSON.parse(await read('integrations/grafana/rsgo-dashboard.json')) as {
    uid: string;
    panels: Panel[];
    templating: { list: Array<{ name: string; type: string; query: unknown }> };
  };
  t.truthy(dashboard.uid);
  t.like(dashboard.templating.list.find((variable) => variable.name === 'datasource'), { type: 'datasource', query: 'prometheus' });
  const ids = dashboard.panels.map((panel) => panel.id);
  t.is(new Set(ids).size, ids.length);
  for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
    t.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, panel.title);
    t.true((panel.targets ?? []).length > 0, panel.title);
    for (const target of panel.targets ?? []) t.is(target.datasource?.uid, '${datasource}', panel.title);
    t.true(panel.gridPos.x + panel.gridPos.w <= 24, panel.title);
  }
  // What the operators asked for: hook rate by outcome, operation quantiles, failures, deployments, process.
  const queries = shippedQueries().map((query) => query.expr).join('\n');
  for (const wanted of [/by \(outcome\) \(rate\(rsgo_hook_requests_total/, /histogram_quantile\(0\.95, sum by \(le\) \(rate\(rsgo_operation_duration_seconds_bucket/,
    /rsgo_auth_failures_total/, /rsgo_plugin_failures_total/, /rsgo_deployments/, /process_resident_memory_bytes/, /process_cpu_seconds_total/]) {
    t.regex(queries, wanted);
  }
});

test('the Prometheus example scrapes /metrics with the bearer token, and its way of sending it is what a host with metrics.token accepts', async (t) => {
  const config = load(await read('integrations/prometheus/scrape.yml')) as {
    scrape_configs: Array<{ job_name: string; metrics_path: string; authorization: { type: string; credentials_file: string } }>;
    rule_files: string[];
  };
  const job = config.scrape_configs.find((candidate) => candidate.job_name === 'rsgo');
  t.is(job?.metrics_path, '/metrics');
  t.is(job?.authorization.type, 'Bearer');
  t.truthy(job?.authorization.credentials_file);
  for (const file of config.rule_files) t.truthy(load(await read(`integrations/prometheus/${file}`)));

  // Prometheus sends `Authorization: <type> <credentials>`.
  const token = randomBytes(24).toString('base64url');
  const host = await useTestHost(t, { config: { metrics: { token } } });
  const res = await host.request('GET', job?.metrics_path ?? '', { headers: { authorization: `${job?.authorization.type ?? ''} ${token}` } });
  t.is(res.status, 200, res.text);
  t.true(parsePrometheusText(res.text).has('rsgo_hook_requests_total'));
});

test('every alert rule has a name, an expression and a summary', async (t) => {
  const rules = (load(await read('integrations/prometheus/rsgo-alerts.yml')) as { groups: Array<{ rules: Array<Record<string, unknown>> }> }).groups.flatMap((group) => group.rules);
  t.true(rules.length >= 3);
  for (const rule of rules) {
    t.is(typeof rule['alert'], 'string');
    t.is(typeof rule['expr'], 'string');
    t.is(typeof (rule['annotations'] as Record<string, unknown> | undefined)?.['summary'], 'string', String(rule['alert']));
  }
});
