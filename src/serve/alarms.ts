/**
 * The run list's alarms (issue 11): a run that diverged, a hidden layer that saturated or died, a run
 * recorded as `running` whose process is gone. Each is read from what the record holds at the run's
 * latest probe point (a layer that saturated and recovered, as the paper's sigmoid top layer does
 * in Fig. 2, is no longer flagged) and from the run's lock file. The thresholds are documented in
 * docs/DECISIONS.md "Dashboard".
 */
import type { ScalarRecord } from '../core/metrics.ts';
import type { EvaluationPoint, LockState, RunStatus } from '../store/index.ts';
import { SIGMOID_COLLAPSE_LEVEL } from '../report/checks/rules.ts';
import type { Alarm } from './api.ts';

/**
 * A bounded activation's layer is flagged `saturated` when at least this fraction of its units ×
 * probe examples has f′(s) < 0.1 × the activation's largest slope (`activation.saturated`, Figs.
 * 3–4). Half: at the normalized init no layer of the paper's networks comes near it, the sigmoid top
 * layer of Fig. 2 reaches 1.0.
 */
export const SATURATED_FRACTION = 0.5;

/** A ReLU-like layer (zero or near-zero slope for s < 0) is `dead` when at least this fraction of it is flat. */
export const DEAD_SATURATED_FRACTION = 0.99;

/** Any layer whose activations' standard deviation is at most this is `dead`: every unit outputs a constant. */
export const DEAD_STD = 1e-6;

/** Activations whose flat regions are saturation (both tails bounded). */
const BOUNDED = new Set(['sigmoid', 'tanh', 'softsign']);
/** Activations with a flat (or nearly flat) negative side: a layer of them dies rather than saturates. */
const RELU_LIKE = new Set(['relu', 'leaky_relu', 'elu', 'selu']);

/** A run's lock as read: its file's owner and whether it still runs, or `none` when there is no lock file. */
export type RunLock = LockState | 'none';

/** What {@link runAlarms} reads about one run. */
export interface AlarmInput {
  /** `unknown`: a status this glorot does not know (summary.ts's shownStatus). */
  readonly status: RunStatus | 'unknown';
  readonly statusDetail: string | null;
  /** Updates of the latest probe point, or null before the first. */
  readonly lastUpdate: number | null;
  /** The hidden activation's name (the stored config's `activation`). */
  readonly activation: string;
  /** The scalars recorded at the latest probe point (`RunStore.scalarsAt`). */
  readonly scalars: readonly ScalarRecord[];
  /** The latest evaluation of each split that has one. */
  readonly evaluations: readonly EvaluationPoint[];
  /** The run's lock, read only for a `running` run (null otherwise). */
  readonly lock: RunLock | null;
  /** The lock file's path, for the stale message. */
  readonly lockFile: string;
}

/** A fraction as a whole percentage, `92%`. */
function percent(x: number): string {
  return `${Math.round(100 * x)}%`;
}

/** The `diverged` alarm: from the status, else from a NaN at the latest probe point. */
function divergence(r: AlarmInput, at: number, now: readonly ScalarRecord[]): Alarm | null {
  if (r.status === 'diverged') return { kind: 'diverged', layer: null, updates: at, message: r.statusDetail ?? 'the run diverged' };
  const loss = now.find((s) => s.name === 'probe.loss');
  if (loss !== undefined && !Number.isFinite(loss.value)) {
    return { kind: 'diverged', layer: null, updates: at, message: `the probe loss is ${loss.value} at update ${at}` };
  }
  const nonfinite = now.find((s) => s.name === 'activation.nonfinite' && s.value > 0);
  if (nonfinite !== undefined) {
    const message = `layer ${nonfinite.layer} has ${nonfinite.value} non-finite activations at update ${at}`;
    return { kind: 'diverged', layer: nonfinite.layer, updates: at, message };
  }
  const nll = r.evaluations.find((e) => e.updates === at && !Number.isFinite(e.nll));
  if (nll !== undefined) return { kind: 'diverged', layer: null, updates: at, message: `the ${nll.split} NLL is ${nll.nll} at update ${at}` };
  return null;
}

/**
 * The alarms of one run, diverged first, then per layer (input side first), then stale.
 * Rules: `diverged` — status `diverged`, or at the latest probe point a non-finite `probe.loss`, any
 * `activation.nonfinite` > 0 or a NaN evaluation NLL; `dead` — a layer with `activation.std` ≤
 * {@link DEAD_STD}, or a ReLU-like layer with `activation.saturated` ≥ {@link DEAD_SATURATED_FRACTION};
 * `saturated` — a sigmoid / tanh / softsign layer (not dead) with `activation.saturated` ≥
 * {@link SATURATED_FRACTION}, or sigmoid's top hidden layer with `activation.mean` ≤ {@link SIGMOID_COLLAPSE_LEVEL}
 * after update 0 (Fig. 2's saturation toward 0, which the f′ rule does not count); `stale` — status `running` while no live process holds the run's lock.
 * @returns an empty list for a healthy run.
 */
export function runAlarms(r: AlarmInput): Alarm[] {
  const out: Alarm[] = [];
  const at = r.lastUpdate ?? 0;
  const now = r.lastUpdate === null ? [] : r.scalars;
  const diverged = divergence(r, at, now);
  if (diverged !== null) out.push(diverged);
  const layers = [...new Set(now.filter((s) => s.layer >= 1 && s.name.startsWith('activation.')).map((s) => s.layer))].sort((a, b) => a - b);
  for (const k of layers) {
    const saturated = now.find((s) => s.layer === k && s.name === 'activation.saturated')?.value;
    const std = now.find((s) => s.layer === k && s.name === 'activation.std')?.value;
    const alarm = (kind: Alarm['kind'], what: string): void => {
      out.push({ kind, layer: k, updates: at, message: `${what} at update ${at}` });
    };
    if (std !== undefined && Number.isFinite(std) && std <= DEAD_STD) {
      alarm('dead', `layer ${k} is dead: its activations' std is ${std} (every unit constant)`);
    } else if (saturated !== undefined && RELU_LIKE.has(r.activation) && saturated >= DEAD_SATURATED_FRACTION) {
      alarm('dead', `layer ${k} is dead: ${percent(saturated)} of its ${r.activation} units are flat (f′ < 0.1·max)`);
    } else if (saturated !== undefined && BOUNDED.has(r.activation) && saturated >= SATURATED_FRACTION) {
      alarm('saturated', `${percent(saturated)} of layer ${k}'s units saturated (f′ < 0.1·max)`);
    } else if (r.activation === 'sigmoid' && k === layers[layers.length - 1] && at > 0) {
      // Fig. 2's saturation of sigmoid's top hidden layer: its activations driven toward 0, where
      // f′ = z(1 − z) ≈ 0.17 × its largest slope at z = 0.045 — above the f′ cut (z < 0.026), so
      // activation.saturated reads ≈ 0 % there; the job's check phenomenon.sigmoid-collapse uses this rule
      const mean = now.find((s) => s.layer === k && s.name === 'activation.mean')?.value;
      if (mean !== undefined && Number.isFinite(mean) && mean <= SIGMOID_COLLAPSE_LEVEL) {
        alarm('saturated', `sigmoid's top hidden layer ${k} saturated toward 0 as in Fig. 2: its mean activation is ${Number(mean.toPrecision(3))} ` +
          `(≤ ${SIGMOID_COLLAPSE_LEVEL}; the f′ < 0.1·max rule counts ${percent(saturated ?? 0)} of its units)`);
      }
    }
  }
  if (r.status === 'running' && r.lock !== null && (r.lock === 'none' || !r.lock.alive)) {
    const why = r.lock === 'none' ? `no process holds its lock (${r.lockFile} is missing)` : `its lock ${r.lockFile} is stale: ${r.lock.reason}`;
    const message = `recorded as running, but ${why}: it was stopped without recording a status (resumable from its checkpoint)`;
    out.push({ kind: 'stale', layer: null, updates: at, message });
  }
  return out;
}
