/** One sample line: `name{labels} value`. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its `# TYPE`, `# HELP` and samples. */
export interface Family {
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Sample names a family of each type may have, as suffixes of the family name. */
const suffixes: Readonly<Record<string, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // Prometheus reads values with Go's ParseFloat, which ignores case; prom-client writes `Nan`.
  if (text.toLowerCase() === 'nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`line ${line}: '${text}' is not a value`);
  return Number(text);
}

/** Reads `{a="1",b="x\"y"}` from `text` at `start`; returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let at = start + 1;
  while (text[at] !== '}') {
    const eq = text.indexOf('=', at);
    const name = text.slice(at, eq);
    if (eq < 0 || !labelName.test(name)) throw new Error(`line ${line}: bad label name '${name}'`);
    if (Object.hasOwn(labels, name)) throw new Error(`line ${line}: label '${name}' twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value of '${name}' is not quoted`);
    let value = '';
    let i = eq + 2;
    for (; i < text.length && text[i] !== '"'; i++) {
      if (text[i] !== '\\') {
        value += text[i];
        continue;
      }
      const escaped = text[++i];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else throw new Error(`line ${line}: bad escape '\\${escaped ?? ''}'`);
    }
    if (i >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    at = i + 1;
    if (text[at] === ',') at += 1;
    else if (text[at] !== '}') throw new Error(`line ${line}: expected ',' or '}' after label '${name}'`);
  }
  return { labels, end: at + 1 };
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line must be a comment, `# HELP`,
 * `# TYPE` or a sample; a family's TYPE comes once and before its samples, and its samples
 * are together; no series twice; histograms have cumulative buckets ending at `+Inf` equal to
 * `_count`; counters are never negative. Throws on the first violation.
 */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the text does not end with a line feed');
  const families = new Map<string, Family>();
  const seenSeries = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const familyOf = (sample: string): string | undefined => {
    for (const [name, family] of families) if ((suffixes[family.type] ?? []).some((suffix) => sample === name + suffix)) return name;
    return undefined;
  };
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const [, keyword, name = '', rest = ''] = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw) ?? [];
      if (keyword === undefined) return; // a plain comment
      if (!metricName.test(name)) throw new Error(`line ${line}: bad metric name '${name}'`);
      const family = families.get(name);
      if (keyword === 'TYPE') {
        if (!types.has(rest)) throw new Error(`line ${line}: unknown type '${rest}'`);
        if (family && (family.type !== '' || family.samples.length > 0)) throw new Error(`line ${line}: TYPE of '${name}' after its samples or twice`);
        families.set(name, { type: rest, help: family?.help ?? '', samples: [] });
      } else {
        if (family?.help) throw new Error(`line ${line}: HELP of '${name}' twice`);
        families.set(name, { type: family?.type ?? '', help: rest, samples: family?.samples ?? [] });
      }
      if (current !== null && current !== name) closed.add(current);
      current = name;
      return;
    }
    const brace = raw.indexOf('{');
    const space = raw.indexOf(' ');
    const nameEnd = brace >= 0 && brace < space ? brace : space;
    const name = raw.slice(0, nameEnd);
    if (!metricName.test(name)) throw new Error(`line ${line}: bad sample name '${name}'`);
    const { labels, end } = nameEnd === brace ? parseLabels(raw, brace, line) : { labels: {}, end: nameEnd };
    const fields = raw.slice(end).trim().split(/\s+/);
    if (raw[end] !== ' ' || fields.length < 1 || fields.length > 2) throw new Error(`line ${line}: expected ' value [timestamp]'`);
    const value = parseValue(fields[0] ?? '', line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`line ${line}: bad timestamp`);
    const family = familyOf(name) ?? name;
    if (!families.has(family)) families.set(family, { type: 'untyped', help: '', samples: [] });
    if (closed.has(family) || (current !== null && current !== family && families.get(family)?.samples.length)) {
      throw new Error(`line ${line}: samples of '${family}' are not together`);
    }
    if (current !== null && current !== family) closed.add(current);
    current = family;
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(key)) throw new Error(`line ${line}: series ${key} twice`);
    seenSeries.add(key);
    const type = families.get(family)?.type;
    if (type === 'counter' && !(value >= 0)) throw new Error(`line ${line}: counter '${name}' is ${value}`);
    families.get(family)?.samples.push({ name, labels, value });
  });
  for (const [name, family] of families) if (family.type === 'histogram') checkHistogram(name, family);
  return families;
}

/** Buckets cumulative per label set, `+Inf` present and equal to `_count`. */
function checkHistogram(name: string, family: Family): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const group = groups.get(key) ?? { buckets: [] };
    groups.set(key, group);
    if (sample.name === `${name}_bucket`) {
      if (le === undefined) throw new Error(`${name}_bucket without le`);
      group.buckets.push([parseValue(le, 0), sample.value]);
    } else if (sample.name === `${name}_count`) group.count = sample.value;
  }
  for (const [key, group] of groups) {
    const sorted = [...group.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) if ((sorted[i]?.[1] ?? 0) < (sorted[i - 1]?.[1] ?? 0)) throw new Error(`${name}${key}: buckets are not cumulative`);
    const inf = sorted.at(-1);
    if (inf?.[0] !== Infinity || inf[1] !== group.count) throw new Error(`${name}${key}: the +Inf bucket is missing or differs from _count`);
  }
}

/** The value of one series, or undefined when absent. Labels must match exactly. */
export function sampleValue(families: ReadonlyMap<string, Family>, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      const keys = Object.keys(sample.labels);
      if (keys.length === Object.keys(labels).length && keys.every((key) => sample.labels[key] === labels[key])) return sample.value;
    }
  }
  return undefined;
}
