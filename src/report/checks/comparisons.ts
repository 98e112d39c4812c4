/**
 * Checks that compare configurations: Tanh N against Tanh in Table 1, and standard against
 * normalized initialization in the histograms at init (Figs. 6–8).
 */
import type { ScalarName } from '../../core/metrics.ts';
import { datasetTitle, PAPER_SIGNIFICANCE_P, paperTable1 } from '../paper.ts';
import { welchTTest } from '../stats.ts';
import type { Table1 } from '../table1.ts';
import { COINCIDE_RATIO, LEARNED_MARGIN_PP, spreadRatio } from './rules.ts';
import { type Check, fmt, layerValues, type Lookup, notRun, plural } from './types.ts';

/**
 * Table 1: Tanh N beats Tanh, one check per dataset column (`phenomenon.tanhn-beats-tanh.<dataset>`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function tanhNBeatsTanhChecks(l: Lookup, table: Table1): Check[] {
  const out: Check[] = [];
  for (const col of table.columns) {
    const id = `phenomenon.tanhn-beats-tanh.${col.dataset}`;
    const title = `Tanh N beats Tanh on ${col.title} (Table 1)`;
    const chance = l.chance(col.dataset);
    const rule = `shown when Tanh N's mean test error < Tanh's and Tanh N learned (error more than ${LEARNED_MARGIN_PP} points below the dataset's chance ` +
      `level${chance === null ? ', unknown here: not required' : ` of ${chance.toFixed(2)} %`}); pass when shown and significant (Welch's t-test, p < ` +
        `${PAPER_SIGNIFICANCE_P}); weak ("shown, not significant") when shown with one seed per configuration or p ≥ ${PAPER_SIGNIFICANCE_P}`;
    const a = table.cells.find((c) => c.dataset === col.dataset && c.label === 'Tanh N');
    const b = table.cells.find((c) => c.dataset === col.dataset && c.label === 'Tanh');
    const paperA = col.paperColumn ? paperTable1('Tanh N', col.paperColumn) : null;
    const paperB = col.paperColumn ? paperTable1('Tanh', col.paperColumn) : null;
    const reference = col.paperRelation === 'reference' ? ` (paper's ${col.paperColumn}, a different dataset)` : '';
    const paperText = paperA !== null && paperB !== null ? `${paperA} vs ${paperB} %${reference}` : 'Tanh N lower';
    if (!a?.ran || !b?.ran || a.mean === null || b.mean === null) {
      const paperGap = paperA !== null && paperB !== null ? paperA - paperB : null;
      const why = `${!a?.ran ? 'no Tanh N run' : 'no Tanh run'} on ${datasetTitle(col.dataset)}`;
      out.push(notRun(id, 'phenomenon', title, paperGap, paperText, rule, why, 'Table 1, Fig. 11'));
      continue;
    }
    const w = welchTTest(a.errors, b.errors);
    const learned = chance === null || a.mean < chance - LEARNED_MARGIN_PP;
    out.push({
      id,
      group: 'phenomenon',
      title,
      ours: a.mean - b.mean,
      oursText: `${a.mean.toFixed(2)} vs ${b.mean.toFixed(2)} %`,
      paper: paperA !== null && paperB !== null ? paperA - paperB : null,
      paperText,
      verdict: a.mean < b.mean && learned ? (w !== null && w.p < PAPER_SIGNIFICANCE_P ? 'pass' : 'weak') : 'fail',
      rule,
      detail:
        `gap ${fmt(b.mean - a.mean)} points; ` +
        (w
          ? `Welch p = ${w.p.toPrecision(2)} (${w.p < PAPER_SIGNIFICANCE_P ? 'significant' : 'not significant'})`
          : `significance not testable (${plural(Math.min(a.errors.length, b.errors.length), 'seed')})`) +
        (learned ? '' : `; Tanh N did not get clearly below chance (${chance!.toFixed(2)} %): nothing to compare`),
      runs: [...a.runIds, ...b.runIds],
      source: 'Table 1, Fig. 11',
    });
  }
  return out;
}

/**
 * Figs. 6–8: at initialization the per-layer spread of activations, ∂C/∂s and ∂C/∂W narrows or
 * coincides as the paper says (checks `phenomenon.fig<6|7|8>.<standard|normalized>`), from the
 * update-0 `*.std` scalars. A hidden layer whose std is NaN (or not positive) makes the check fail:
 * it never drops out of a max/min that would then pass.
 * @returns the checks, `not-run` where the runs were not made or recorded no std at update 0.
 */
export function initHistogramChecks(l: Lookup): Check[] {
  const out: Check[] = [];
  const specs: Array<{ fig: number; name: ScalarName; what: string; std: string; dir: 'down' | 'up' | 'flat' }> = [
    { fig: 6, name: 'activation.std', what: 'activations', std: 'narrow upward (std decreases from layer 1 to the top)', dir: 'down' },
    { fig: 7, name: 'backprop_grad.std', what: 'back-propagated gradients', std: 'narrow toward the input (std increases from layer 1 to the top)', dir: 'up' },
    { fig: 8, name: 'weight_grad.std', what: 'weight gradients', std: 'stay similar across layers', dir: 'flat' },
  ];
  for (const sp of specs) {
    for (const label of ['Tanh', 'Tanh N'] as const) {
      const normalized = label === 'Tanh N';
      const expect = normalized || sp.dir === 'flat' ? `coincide across layers` : sp.std;
      const id = `phenomenon.fig${sp.fig}.${normalized ? 'normalized' : 'standard'}`;
      const title = `${normalized ? 'Normalized' : 'Standard'} init (tanh): ${sp.what} at initialization ${expect} (Fig. ${sp.fig})`;
      const coincideRule = `coincide: max/min over hidden layers of the per-layer std at update 0 (${sp.name}) ≤ ${COINCIDE_RATIO}`;
      const narrowRule = `narrow: the per-layer std at update 0 (${sp.name}) is strictly ` +
        `${sp.dir === 'down' ? 'decreasing' : 'increasing'} with the layer index and max/min > ${COINCIDE_RATIO}`;
      const rule = normalized || sp.dir === 'flat' ? coincideRule : narrowRule;
      const o = l.run(label);
      if (!o) {
        out.push(notRun(id, 'phenomenon', title, null, expect, rule, `no ${label} run`, `§4.2.2, Fig. ${sp.fig}`));
        continue;
      }
      const stds = layerValues(l.store, o.runId, sp.name, 0, o.shape.hidden.length);
      const ratio = spreadRatio(stds);
      const missing = stds.flatMap((v, i) => (Number.isFinite(v) && v > 0 ? [] : [i + 1]));
      let shown: boolean;
      if (missing.length > 0) shown = false;
      else if (normalized || sp.dir === 'flat') shown = ratio <= COINCIDE_RATIO;
      else {
        let monotone = stds.every((v) => Number.isFinite(v));
        for (let k = 1; k < stds.length; k++) if (sp.dir === 'down' ? !(stds[k]! < stds[k - 1]!) : !(stds[k]! > stds[k - 1]!)) monotone = false;
        shown = monotone && ratio > COINCIDE_RATIO;
      }
      out.push({
        id,
        group: 'phenomenon',
        title,
        ours: Number.isFinite(ratio) ? ratio : null,
        oursText: `std max/min ×${fmt(ratio)}`,
        paper: null,
        paperText: expect,
        verdict: Number.isFinite(ratio) ? (shown ? 'pass' : 'fail') : 'not-run',
        rule,
        detail:
          `per-layer std at init: ${stds.map((v, i) => `L${i + 1} ${fmt(v)}`).join(', ')}` +
          (missing.length > 0 && Number.isFinite(ratio) ? ` — no finite positive std in layer${missing.length === 1 ? '' : 's'} ` +
            `${missing.join(', ')}: not shown` : ''),
        runs: [o.runId],
        source: `§4.2.2, Fig. ${sp.fig}`,
      });
    }
  }
  return out;
}
