import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { Family } from './prometheus-text.js';

const root = new URL('../../', import.meta.url);

/** Every PromQL expression of the shipped Grafana dashboard and Prometheus alert rules, with where it is. */
export function shippedQueries(): Array<{ where: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(new URL('integrations/grafana/rsgo-dashboard.json', root), 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  };
  const alerts = load(readFileSync(new URL('integrations/prometheus/rsgo-alerts.yml', root), 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  return [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel '${panel.title}'`, expr: target.expr }))),
    ...alerts.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr }))),
  ];
}

/** Labels Prometheus adds to every series it scrapes, and a histogram bucket's bound. */
const addedLabels = new Set(['instance', 'job', 'le']);

/**
 * What the queries ask for that `families` (one scrape of a host) does not have: each series
 * name of the host (rsgo_, process_, nodejs_) must be a sample of the scrape, and each label a
 * query matches or groups by must be a label of a series the same query reads.
 */
export function unservedQueries(families: ReadonlyMap<string, Family>): string[] {
  const labelsOf = new Map<string, Set<string>>();
  for (const family of families.values()) {
    for (const sample of family.samples) {
      const labels = labelsOf.get(sample.name) ?? new Set<string>();
      for (const name of Object.keys(sample.labels)) labels.add(name);
      labelsOf.set(sample.name, labels);
    }
  }
  const problems: string[] = [];
  for (const { where, expr } of shippedQueries()) {
    const series = [...expr.matchAll(/\b((?:rsgo|process|nodejs)_[a-z0-9_]+)\b/g)].map((match) => match[1] ?? '');
    if (series.length === 0 && !/\bup\{/.test(expr)) problems.push(`${where}: reads no series of the host`);
    for (const name of series) if (!labelsOf.has(name)) problems.push(`${where}: ${name} is not in /metrics`);
    const known = new Set(series.flatMap((name) => [...(labelsOf.get(name) ?? [])]));
    const used = [
      ...[...expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].flatMap((match) => (match[1] ?? '').split(',')),
      ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap((match) => [...(match[1] ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((label) => label[1] ?? '')),
    ].map((label) => label.trim());
    for (const label of used) if (label !== '' && !addedLabels.has(label) && !known.has(label)) problems.push(`${where}: label '${label}' is on none of ${series.join(', ')}`);
  }
  return problems;
}
