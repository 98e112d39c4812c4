/**
 * The contract between the experiment orchestration (`glorot reproduce`) and the report: which runs
 * were made for which row of the paper's Table 1 / curve of Fig. 11, on which datasets, at which
 * scale. The orchestration runs the experiments, then calls {@link writeReport} with a
 * {@link ReportInput}; the report reads every number from the run record (`<outDir>/glorot.sqlite`).
 */

/**
 * The paper's configurations (Table 1 rows and Fig. 11 curves). `N` = normalized initialization
 * (eq. (16)); the others use the standard initialization (eq. (1)). `Sigmoid` is the depth-5 network of
 * Table 1, `Sigmoid d4` the depth-4 one of Fig. 11 (the paper's best sigmoid depth).
 */
export type ConfigLabel = 'Sigmoid' | 'Sigmoid d4' | 'Tanh' | 'Tanh N' | 'Softsign' | 'Softsign N';

/** Every {@link ConfigLabel}, in the order of the paper's Fig. 11 legend (worst first). */
export const CONFIG_LABELS: readonly ConfigLabel[] = ['Sigmoid', 'Sigmoid d4', 'Tanh', 'Softsign', 'Softsign N', 'Tanh N'];

/** The rows of the paper's Table 1, in the paper's order. */
export const TABLE1_ROWS: readonly ConfigLabel[] = ['Softsign', 'Softsign N', 'Tanh', 'Tanh N', 'Sigmoid'];

/** What a label promises about a run's stored config (checked; a mismatch is reported as a warning). */
export interface LabelExpectation {
  readonly activation: 'sigmoid' | 'tanh' | 'softsign';
  readonly init: 'standard' | 'normalized';
}

/**
 * The activation and initialisation a label stands for (SPEC.md §2: standard = eq. (1), normalized
 * = eq. (16)).
 */
export function labelExpectation(label: ConfigLabel): LabelExpectation {
  const activation = label.startsWith('Sigmoid') ? 'sigmoid' : label.startsWith('Tanh') ? 'tanh' : 'softsign';
  return { activation, init: label.endsWith(' N') ? 'normalized' : 'standard' };
}

/** One run handed to the report: its id in the run record and the grid point it stands for. */
export interface ReportRun {
  /** Run id in `<outDir>/glorot.sqlite`. */
  readonly runId: string;
  /** SGD step size ε of the run (one point of the learning-rate grid). */
  readonly learningRate: number;
  /** The run's seed (repeats of one grid point differ only by seed). */
  readonly seed: number;
}

/** The runs made for one configuration on one dataset (every learning rate × seed). */
export interface ReportConfig {
  readonly label: ConfigLabel;
  readonly runs: readonly ReportRun[];
}

/** One run of a job's plan: a {@link ReportRun} with the label of the configuration it belongs to. */
export interface LabelledRun extends ReportRun {
  /** The experiment variant's label, e.g. `Tanh N` (a {@link ConfigLabel} for the paper's job). */
  readonly label: string;
}

/**
 * Groups a job's planned runs into the report's configurations, one per label, in the order the
 * labels first appear (the plan's order: variants × learning rates × seeds).
 */
export function configsByLabel(runs: readonly LabelledRun[]): ReportConfig[] {
  const byLabel = new Map<string, ReportRun[]>();
  for (const r of runs) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), { runId: r.runId, learningRate: r.learningRate, seed: r.seed }]);
  return [...byLabel].map(([label, list]) => ({ label: label as ConfigLabel, runs: list }));
}

/** One dataset of the job: either run (with its configurations) or missing (with how to get it). */
export interface ReportDataset {
  /** Dataset name as openDataset understands it: 'shapeset', 'fashion-mnist', 'mnist', 'cifar10', … */
  readonly dataset: string;
  readonly status: 'ran' | 'missing';
  /** For a missing dataset: how to get it (shown in the report). */
  readonly message?: string;
  readonly configs: readonly ReportConfig[];
}

/** The scales of `glorot reproduce` (issue 5). */
export type ReportScale = 'smoke' | 'quick' | 'paper';

/** Everything {@link writeReport} needs. */
export interface ReportInput {
  /** Directory holding glorot.sqlite; the report goes to `outDir/report/`, the summary to `outDir/summary.json`. */
  readonly outDir: string;
  readonly scale: ReportScale;
  /** What this scale changed from the paper (widths, depth, updates, …); shown at the top of the report. */
  readonly scaleNote: string;
  readonly datasets: readonly ReportDataset[];
}
