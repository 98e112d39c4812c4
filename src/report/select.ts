/**
 * Reading each run's outcome from the run record and selecting the learning rate per dataset ×
 * configuration (SPEC.md §1: "chosen per configuration on validation error").
 *
 * Rule (docs/DECISIONS.md "Report"): for each learning rate, the mean over seeds of the FINAL
 * validation error (the last validation evaluation of the run); a run that diverged or failed, or
 * has no validation evaluation, counts as 100 %. The learning rate with the lowest mean wins; ties
 * go to the smaller learning rate. Test error never enters the choice. A configuration with a run
 * that has not finished (running, interrupted, created: still training in another job, or stopped)
 * gives no result at all — no selection, no curve run, so no Table 1 value, figure or check — rather
 * than a number from a half-trained network (issue 15 item 2).
 */
import type { RunStore } from '../store/runStore.ts';
import type { RunInfo, RunStatus } from '../store/types.ts';
import { type ConfigLabel, labelExpectation, type ReportDataset } from './input.ts';

/** The parts of a stored run config the report uses (tolerant: defaults where a field is absent). */
export interface RunShape {
  readonly dataset: string;
  readonly hidden: readonly number[];
  readonly activation: string;
  readonly init: string;
  readonly minibatch: number;
  /** Planned SGD updates. */
  readonly updates: number;
  readonly learningRate: number;
  /** Probe-set size (examples). */
  readonly probeSize: number;
}

/**
 * Reads a {@link RunShape} from a stored config (run.config, see src/config/training.ts), tolerantly: a
 * field the config lacks gets the default the trainer would have used, or NaN / `?` when none.
 */
export function runShape(config: Readonly<Record<string, unknown>>): RunShape {
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const probe = typeof config['probe'] === 'object' && config['probe'] !== null ? (config['probe'] as Record<string, unknown>) : {};
  const hidden = Array.isArray(config['hidden']) ? (config['hidden'] as unknown[]).filter((h): h is number => typeof h === 'number') : [];
  return {
    dataset: typeof config['dataset'] === 'string' ? config['dataset'] : 'shapeset',
    hidden,
    activation: typeof config['activation'] === 'string' ? config['activation'] : '?',
    init: typeof config['init'] === 'string' ? config['init'] : '?',
    minibatch: num(config['minibatch'], 10),
    updates: num(config['updates'], NaN),
    learningRate: num(config['learningRate'], NaN),
    probeSize: num(probe['size'], 300),
  };
}

/** What one run gave. */
export interface RunOutcome {
  readonly runId: string;
  readonly seed: number;
  readonly learningRate: number;
  readonly status: RunStatus;
  readonly statusDetail: string | null;
  /** Final validation error (%) as used for selection: 100 when {@link countedAsFailure}. */
  readonly validationError: number;
  /** Final test error (%): 100 when {@link countedAsFailure}. */
  readonly testError: number;
  /** The run diverged or failed, or recorded no evaluation: its errors count as 100 %. */
  readonly countedAsFailure: boolean;
  /** The run has not reached its planned updates (running, interrupted, created). */
  readonly unfinished: boolean;
  /** Update of the last probe point recorded, or null. */
  readonly lastUpdate: number | null;
  readonly shape: RunShape;
  readonly backend: string;
  readonly run: RunInfo;
}

/** The runs of one learning rate. */
export interface LrCandidate {
  readonly learningRate: number;
  /** Sorted by seed. */
  readonly runs: readonly RunOutcome[];
  /** Mean over seeds of the final validation error (%), failures counted as 100. */
  readonly meanValidationError: number;
}

/** The selection for one dataset × configuration. */
export interface Selection {
  readonly dataset: string;
  readonly label: ConfigLabel;
  /** Every learning rate tried, ascending. */
  readonly candidates: readonly LrCandidate[];
  /** The chosen learning rate's runs, or null when no run of this configuration exists or one is {@link unfinished}. */
  readonly selected: LrCandidate | null;
  /** The run drawn in curves and histograms: the lowest seed at the selected learning rate. */
  readonly curveRun: RunOutcome | null;
  /** How many of the configuration's runs have not finished (then nothing is selected). */
  readonly unfinished: number;
}

/** Reads one run's outcome. `learningRate` and `seed` come from the orchestration's listing. */
function readOutcome(store: RunStore, runId: string, learningRate: number, seed: number): RunOutcome {
  const run = store.getRun(runId);
  const shape = runShape(run.config);
  const validation = store.latestEvaluation(runId, 'validation');
  const test = store.latestEvaluation(runId, 'test');
  const failed = run.status === 'diverged' || run.status === 'failed';
  const noEvaluation = validation === null || test === null || !Number.isFinite(validation.errorRate) || !Number.isFinite(test.errorRate);
  const countedAsFailure = failed || noEvaluation;
  return {
    runId,
    seed,
    learningRate,
    status: run.status,
    statusDetail: run.statusDetail,
    validationError: countedAsFailure ? 100 : validation.errorRate,
    testError: countedAsFailure ? 100 : test.errorRate,
    countedAsFailure,
    unfinished: run.status === 'running' || run.status === 'interrupted' || run.status === 'created',
    lastUpdate: run.lastUpdate,
    shape,
    backend: run.backend,
    run,
  };
}

/**
 * The dataset Figs. 2–10 and the per-run checks use: Shapeset-3×2 when it has runs (the paper's
 * figures), else the first dataset that ran and has a run of some configuration; null when none has.
 * @param datasets the job's datasets, in the job's order.
 */
export function chooseMainDataset(datasets: readonly ReportDataset[], selections: readonly Selection[]): string | null {
  const hasRuns = (d: string): boolean => selections.some((s) => s.dataset === d && s.curveRun !== null);
  const ran = datasets.filter((d) => d.status === 'ran').map((d) => d.dataset);
  if (ran.includes('shapeset') && hasRuns('shapeset')) return 'shapeset';
  return ran.find(hasRuns) ?? null;
}

/**
 * Picks the learning rate with the lowest mean final validation error (ties: the smaller rate).
 * @returns null for an empty list.
 */
export function chooseLearningRate(candidates: readonly LrCandidate[]): LrCandidate | null {
  let best: LrCandidate | null = null;
  for (const c of candidates) {
    if (
      best === null ||
      c.meanValidationError < best.meanValidationError ||
      (c.meanValidationError === best.meanValidationError && c.learningRate < best.learningRate)
    ) {
      best = c;
    }
  }
  return best;
}

/** Groups outcomes by learning rate (ascending), each group sorted by seed, with its mean validation error. */
export function groupByLearningRate(outcomes: readonly RunOutcome[]): LrCandidate[] {
  const byLr = new Map<number, RunOutcome[]>();
  for (const o of outcomes) {
    const list = byLr.get(o.learningRate) ?? [];
    list.push(o);
    byLr.set(o.learningRate, list);
  }
  return [...byLr.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([learningRate, runs]) => {
      const sorted = [...runs].sort((a, b) => a.seed - b.seed);
      return { learningRate, runs: sorted, meanValidationError: sorted.reduce((s, r) => s + r.validationError, 0) / sorted.length };
    });
}

/**
 * Selects the learning rate of every configuration of every dataset that ran.
 * @param warn receives one line per problem (a listed run absent from the record, a run whose
 *   stored config contradicts its label); such runs are still used unless absent.
 * @returns one {@link Selection} per dataset × configuration listed.
 */
export function selectAll(store: RunStore, datasets: readonly ReportDataset[], warn: (message: string) => void): Selection[] {
  const out: Selection[] = [];
  for (const d of datasets) {
    if (d.status !== 'ran') continue;
    for (const c of d.configs) {
      const outcomes: RunOutcome[] = [];
      for (const r of c.runs) {
        if (!store.hasRun(r.runId)) {
          warn(`${d.dataset} / ${c.label}: run ${r.runId} (lr ${r.learningRate}, seed ${r.seed}) is not in the run record; left out`);
          continue;
        }
        const o = readOutcome(store, r.runId, r.learningRate, r.seed);
        const expect = labelExpectation(c.label);
        if (o.shape.activation !== expect.activation || o.shape.init !== expect.init) {
          warn(
            `${d.dataset} / ${c.label}: run ${r.runId} was stored with activation ${o.shape.activation}, ` +
              `init ${o.shape.init}; the label means ${expect.activation}, ${expect.init}`,
          );
        }
        if (o.shape.dataset !== d.dataset) warn(`${d.dataset} / ${c.label}: run ${r.runId} was trained on ${o.shape.dataset}`);
        outcomes.push(o);
      }
      const candidates = groupByLearningRate(outcomes);
      const unfinished = outcomes.filter((o) => o.unfinished);
      if (unfinished.length > 0) {
        const which = unfinished.map((o) => `${o.runId} (${o.status}${o.lastUpdate === null ? '' : ` at update ${o.lastUpdate}`})`).join(', ');
        const counts = `${unfinished.length} of ${outcomes.length} runs have not finished`;
        warn(`${d.dataset} / ${c.label}: ${counts} (${which}): no result is shown for this configuration`);
        out.push({ dataset: d.dataset, label: c.label, candidates, selected: null, curveRun: null, unfinished: unfinished.length });
        continue;
      }
      const selected = chooseLearningRate(candidates);
      out.push({ dataset: d.dataset, label: c.label, candidates, selected, curveRun: selected?.runs[0] ?? null, unfinished: 0 });
    }
  }
  return out;
}
