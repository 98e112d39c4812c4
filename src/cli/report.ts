/** Hands a finished job to the report (src/report) and prints short results on the terminal. */
import { join } from 'node:path';
import { configsByLabel, type ReportInput } from '../report/input.ts';
import type { PlannedRun } from '../config/experiment.ts';
import { type ReproduceResult, scaleNote } from '../run/reproduce.ts';
import { openRunStore } from '../store/runStore.ts';
import { print, printError } from './terminal.ts';

/**
 * The report's input for a reproduce job: per dataset, the runs of each configuration label.
 * @param missing why each dataset not run is missing, as the CLI printed it.
 */
function reportInputFor(result: ReproduceResult, outDir: string, missing: ReadonlyMap<string, string>): ReportInput {
  return {
    outDir,
    scale: result.plan.scale,
    scaleNote: scaleNote(result.plan.scale),
    datasets: result.plan.datasets.map((d) => {
      return {
        dataset: d.dataset,
        status: d.status,
        ...(missing.has(d.dataset) ? { message: missing.get(d.dataset)! } : {}),
        configs: configsByLabel(d.runs),
      };
    }),
  };
}

/**
 * Writes the report of a reproduce job and prints where it is.
 * @param missing why each dataset not run is missing (see {@link reportInputFor}).
 */
export async function writeJobReport(result: ReproduceResult, outDir: string, missing: ReadonlyMap<string, string>): Promise<void> {
  // loaded lazily: the report pulls in vega and resvg, which training never needs
  const { writeReport } = await import('../report/index.ts');
  for (const w of result.warnings) printError(`warning: ${w}`);
  await writeReport(reportInputFor(result, outDir, missing));
  print(`report: ${join(outDir, 'report', 'index.html')} (also report/README.md, summary.json)`);
}

/**
 * Prints one line per run of an experiment: label, learning rate, seed, status, final validation
 * and test error (%).
 */
export function printExperimentResults(outDir: string, runs: readonly PlannedRun[]): void {
  const store = openRunStore(outDir, { readonly: true });
  try {
    const rows = runs.map((r) => {
      const info = store.hasRun(r.runId) ? store.getRun(r.runId) : null;
      const v = info ? store.latestEvaluation(r.runId, 'validation') : null;
      const t = info ? store.latestEvaluation(r.runId, 'test') : null;
      return [r.label, String(r.learningRate), String(r.seed), info?.status ?? 'not run', v ? v.errorRate.toFixed(2) : '—', t ? t.errorRate.toFixed(2) : '—'];
    });
    const head = ['variant', 'lr', 'seed', 'status', 'valid err %', 'test err %'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [head, ...rows]) print(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  } finally {
    store.close();
  }
}
