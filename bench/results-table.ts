import type { BenchOptions } from './bench-options.js';
import { meetsGoal, type Figure } from './figure.js';
import type { MachineFacts } from './machine-facts.js';

/** Everything one `npm run bench` wrote to latest.json. */
export interface BenchRun {
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** Whether every group ran with the full default sizes. */
  readonly complete: boolean;
  readonly options: BenchOptions;
  readonly machineBefore: MachineFacts;
  readonly machineAfter: MachineFacts;
  readonly figures: readonly Figure[];
  readonly details: Readonly<Record<string, unknown>>;
}

function formatValue(value: number, unit: string): string {
  if (unit === 'ratio') return value.toFixed(2);
  if (unit === 'cores') return `${value.toFixed(2)} cores`;
  if (unit === 'ms' && value < 100) return `${value.toFixed(2)} ms`;
  const rounded = Math.round(value).toLocaleString('en-US');
  return unit === 'count' ? rounded : `${rounded} ${unit}`;
}

const goalText = (figure: Figure) => (figure.goal ? `${figure.goal.comparison} ${formatValue(figure.goal.target, figure.unit)}` : '');

const metText = (figure: Figure) => {
  const met = meetsGoal(figure);
  return met === null ? '' : met ? 'yes' : '**no**';
};

/** The Markdown table of a run: one line per figure, grouped by item of the performance plan, with goals. */
export function resultsTable(run: BenchRun): string {
  const m = run.machineBefore;
  const lines = [
    `Run of ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(run.durationSeconds)} s` +
      `${run.complete ? '' : ' (partial or reduced run)'}: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ` +
      `Docker ${m.docker ?? 'n/a'}, docker-compose ${m.dockerCompose ?? 'n/a'}; load average ${m.loadAverage.join(' / ')} ` +
      `before, ${run.machineAfter.loadAverage.join(' / ')} after. Medians of ${run.options.rounds} rounds; ratios are medians of per-round ratios.`,
    '',
    '| # | Figure | Median | Goal | Met | Notes |',
    '|---|---|---|---|---|---|',
    ...run.figures.map(
      (f) =>
        `| ${f.item} | ${f.name} | ${f.value === null ? 'not measured' : formatValue(f.value, f.unit)} | ${goalText(f)} | ${metText(f)} | ${f.note ?? ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
