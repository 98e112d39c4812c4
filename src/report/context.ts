/**
 * Context sentences printed beside Table 1: how far this job is from the paper's training length
 * and seeds, which test-error curves were still falling when training stopped, and configurations
 * at chance where the paper's (reference) value is far below it.
 */
import { datasetChance, LEARNED_MARGIN_PP } from './checks/rules.ts';
import { datasetTitle } from './paper.ts';
import type { RunStore } from '../store/runStore.ts';
import type { Selection } from './select.ts';
import type { Table1 } from './table1.ts';

/** The paper's training length in updates (2.5 × 10^7 examples, minibatch 10). */
const PAPER_UPDATES = 2.5e6;
/** A curve is "still falling" when its least-squares fit over the last quarter of training drops by more than this many points. */
const STILL_FALLING_PP = 1;

/**
 * The drop (points, positive = falling) of the least-squares line through the [update, error %]
 * points of the last quarter of training (updates ≥ ¾ of the last one); NaN with fewer than 2 points.
 */
export function lastQuarterDrop(points: ReadonlyArray<readonly [number, number]>): number {
  const end = points.length ? points[points.length - 1]![0] : 0;
  const q = points.filter(([u, e]) => u >= 0.75 * end && Number.isFinite(e));
  if (q.length < 2) return NaN;
  const mx = q.reduce((s, [u]) => s + u, 0) / q.length;
  const my = q.reduce((s, [, e]) => s + e, 0) / q.length;
  let sxy = 0;
  let sxx = 0;
  for (const [u, e] of q) {
    sxy += (u - mx) * (e - my);
    sxx += (u - mx) ** 2;
  }
  if (sxx === 0) return NaN;
  return -(sxy / sxx) * (q[q.length - 1]![0] - q[0]![0]);
}

/**
 * The sentences beside Table 1 for this job.
 * @param store the run record (test-error curves of the curve runs).
 */
export function table1Context(store: RunStore, selections: readonly Selection[], table: Table1): string[] {
  const out: string[] = [];
  const curveRuns = selections.flatMap((s) => (s.curveRun ? [{ s, o: s.curveRun }] : []));
  const updates = Math.max(0, ...curveRuns.map(({ o }) => o.lastUpdate ?? 0));
  const seeds = Math.max(0, ...table.cells.map((c) => c.errors.length));
  if (updates > 0) {
    const factor = PAPER_UPDATES / updates;
    out.push(
      `At this scale the errors are not comparable to the paper's: each run made at most ${updates.toLocaleString('en-US')} updates against the paper's ` +
        `${PAPER_UPDATES.toLocaleString('en-US')} ` +
        `(${factor >= 1.5 ? `${Math.round(factor)}× fewer` : 'about as many'}), with ${seeds} seed${seeds === 1 ? '' : 's'} per ` +
          `cell${seeds <= 1 ? ' (no spread, no significance)' : ''}. Compare orderings, not values.`,
    );
  }
  const falling: string[] = [];
  for (const { s, o } of curveRuns) {
    const pts = store.evaluationSeries(o.runId, 'test').filter((p) => p.updates > 0).map((p) => [p.updates, p.errorRate] as [number, number]);
    const drop = lastQuarterDrop(pts);
    if (drop > STILL_FALLING_PP) falling.push(`${s.label} on ${datasetTitle(s.dataset)} (−${drop.toFixed(1)})`);
  }
  if (falling.length > 0) {
    out.push(
      `Still learning when training stopped — test error fell by more than ${STILL_FALLING_PP} point over the last quarter of training (least-squares fit; ` +
        `Figs. 11–12): ${falling.join(', ')}. Longer runs would likely lower these errors.`,
    );
  }
  for (const c of table.cells) {
    const chance = datasetChance(c.dataset, store.classPriors(c.dataset)?.priors ?? null);
    if (c.mean === null || chance === null || c.paper === null) continue;
    if (c.mean >= chance - LEARNED_MARGIN_PP && c.paper < chance - LEARNED_MARGIN_PP) {
      const ref = c.paperRelation === 'reference' ? ` on the paper's ${c.paperColumn ?? 'reference'} (a different dataset)` : '';
      out.push(
        `${c.label} on ${datasetTitle(c.dataset)} is at chance (${c.mean.toFixed(2)} %, chance ${chance.toFixed(2)} %) where the paper reports ${c.paper} ` +
          `%${ref}: it never left the saturation plateau, which the paper's sigmoid networks leave ` +
            `only slowly (§3.1); with this few updates the two numbers say nothing about each other.`,
      );
    }
  }
  return out;
}
