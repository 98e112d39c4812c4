/**
 * The machine-readable summary (`<outDir>/summary.json`): every Table 1 cell, every check, every
 * figure file, every run with its outcome, the scale and the datasets missing. JSON: NaN never
 * appears (absent numbers are null).
 */
import type { Check, VarianceTable, Verdict } from './checks/types.ts';
import type { ConfigLabel, ReportScale } from './input.ts';
import type { Table1 } from './table1.ts';

/** Version tag of the summary's layout (2: verdict `weak` added, `checkCounts.weak`). */
export const SUMMARY_SCHEMA = 'glorot-report/2';

/** One run as listed in the summary. */
export interface SummaryRun {
  readonly runId: string;
  readonly dataset: string;
  readonly label: ConfigLabel;
  readonly learningRate: number;
  readonly seed: number;
  readonly status: string;
  readonly statusDetail: string | null;
  /** Final validation / test error (%), 100 for a diverged or failed run. */
  readonly validationError: number;
  readonly testError: number;
  readonly countedAsFailure: boolean;
  readonly lastUpdate: number | null;
  readonly plannedUpdates: number | null;
  readonly hidden: readonly number[];
  readonly minibatch: number;
  readonly backend: string;
  /** Whether this run is at the selected learning rate of its configuration. */
  readonly selected: boolean;
}

/** The learning-rate selection of one dataset × configuration. */
export interface SummarySelection {
  readonly dataset: string;
  readonly label: ConfigLabel;
  readonly selectedLearningRate: number | null;
  readonly curveRunId: string | null;
  readonly candidates: ReadonlyArray<{ readonly learningRate: number; readonly meanValidationError: number; readonly runIds: readonly string[] }>;
}

/** One figure's files (relative to `<outDir>/report/`) and status. */
export interface SummaryFigure {
  readonly number: number;
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly status: 'ok' | 'partial' | 'not-run';
  readonly svg: string;
  readonly png: string;
  readonly notes: readonly string[];
  readonly runs: readonly string[];
}

/** What {@link writeReport} writes to summary.json and returns. */
export interface ReportSummary {
  readonly schema: typeof SUMMARY_SCHEMA;
  /** ISO 8601 UTC. */
  readonly generatedAt: string;
  readonly scale: ReportScale;
  readonly scaleNote: string;
  /** The run record, relative to the output directory. */
  readonly runRecord: string;
  /** The report's HTML, relative to the output directory. */
  readonly reportIndex: string;
  /** Distinct backends of the runs, e.g. "native (1 thread): OpenBLAS 0.3.21 …". */
  readonly backends: readonly string[];
  /** Software versions recorded with the first run. */
  readonly versions: Readonly<Record<string, string>>;
  /** The dataset Figs. 2–10 and the per-run checks use. */
  readonly mainDataset: string | null;
  readonly datasets: ReadonlyArray<{ readonly dataset: string; readonly title: string; readonly status: 'ran' | 'missing'; readonly message: string | null }>;
  readonly missingDatasets: ReadonlyArray<{ readonly dataset: string; readonly message: string }>;
  readonly table1: Table1;
  /** Sentences printed beside Table 1: training length vs the paper's, curves still falling, cells at chance (context.ts). */
  readonly table1Context: readonly string[];
  readonly checks: readonly Check[];
  /** Checks per verdict: pass, weak (shown, not significant), fail, not-run. */
  readonly checkCounts: Readonly<Record<Verdict, number>>;
  readonly varianceTables: readonly VarianceTable[];
  readonly chance: { readonly priors: readonly number[]; readonly errorPercent: number };
  readonly selections: readonly SummarySelection[];
  readonly figures: readonly SummaryFigure[];
  readonly runs: readonly SummaryRun[];
  readonly warnings: readonly string[];
}

/** JSON text of a summary; non-finite numbers become null (JSON has no NaN). */
export function summaryJson(s: ReportSummary): string {
  return `${JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
