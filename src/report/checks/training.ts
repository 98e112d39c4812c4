/**
 * Checks of what happens during training (Figs. 2–4, 10, 11): sigmoid's top layer collapsing, tanh
 * saturating layer by layer (and not with normalized init), softsign saturating less, and the
 * depth-4 sigmoid learning. Each reads its runs' series from the record.
 */
import type { ConfigLabel } from '../input.ts';
import type { RunOutcome } from '../select.ts';
import {
  ASYMPTOTE_LEVEL,
  asymptoteFractions,
  LEARNED_MARGIN_PP,
  SIGMOID_COLLAPSE_LEVEL,
  sigmoidCollapse,
  TANH_MIN_SATURATED,
  TANH_SATURATION_P98,
  tanhLayerByLayer,
  tanhNoSaturation,
} from './rules.ts';
import { type Check, fmt, type Lookup, notRun, plural, series } from './types.ts';

/** "update 40,000 (2 epochs)": an update count with the paper's epochs of 20,000 updates. */
function epochs(u: number): string {
  return `update ${u.toLocaleString('en-US')} (${plural(u / 20000, 'epoch')})`;
}

/**
 * Fig. 2: the sigmoid network's top hidden layer collapses toward 0 (check `phenomenon.sigmoid-collapse`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function sigmoidCollapseCheck(l: Lookup): Check[] {
  const out: Check[] = [];
  const id = 'phenomenon.sigmoid-collapse';
  const title = "Sigmoid: the top hidden layer's mean activation collapses toward 0 early in training (Fig. 2)";
  const rule = `shown when, at some probe point after update 0, the top hidden layer's mean activation is ≤ ${SIGMOID_COLLAPSE_LEVEL} and the lowest of all ` +
    `hidden layers' means (run: Sigmoid depth 5, else Sigmoid d4)`;
  const label: ConfigLabel = l.run('Sigmoid') ? 'Sigmoid' : 'Sigmoid d4';
  const o = l.run(label);
  if (!o) return [notRun(id, 'phenomenon', title, 0, '≈ 0 within the first epochs', rule, 'no sigmoid run', '§3.1, Fig. 2')];
  const L = o.shape.hidden.length;
  const means = Array.from({ length: L }, (_, i) => series(l.store, o.runId, 'activation.mean', i + 1));
  const r = sigmoidCollapse(means);
  out.push({
    id,
    group: 'phenomenon',
    title,
    ours: Number.isFinite(r.minTop) ? r.minTop : null,
    oursText: `min top-layer mean ${fmt(r.minTop)}`,
    paper: 0,
    paperText: '≈ 0 within the first epochs, for a long time',
    verdict: r.shown ? 'pass' : 'fail',
    rule,
    detail: r.shown
      ? `${label}: top layer (${L}) reached ≤ ${SIGMOID_COLLAPSE_LEVEL} at ${epochs(r.update!)} ` +
        `and stayed there at ${(100 * r.stayFraction).toFixed(0)}% of the later probe points`
      : `${label}: top layer (${L}) mean never went ≤ ${SIGMOID_COLLAPSE_LEVEL} as the lowest layer (its minimum: ${fmt(r.minTop)}; initial ` +
        `${fmt(means[L - 1]?.[0]?.[1] ?? NaN)})`,
    runs: [o.runId],
    source: '§3.1, Fig. 2',
  });
  return out;
}

/**
 * Fig. 3: tanh (standard init) saturates layer by layer from layer 1 upward (check `phenomenon.tanh-layer-by-layer`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function tanhLayerByLayerCheck(l: Lookup): Check[] {
  const out: Check[] = [];
  const id = 'phenomenon.tanh-layer-by-layer';
  const title = 'Tanh (standard init): layers saturate one after the other, from layer 1 upward (Fig. 3)';
  const rule = `t_k = first probe update where layer k's 98th percentile ≥ ${TANH_SATURATION_P98}; ` +
    `shown when ≥ 2 layers saturate, they are layers 1…m, and t_1 ≤ t_2 ≤ … ≤ t_m`;
  const o = l.run('Tanh');
  if (!o) return [notRun(id, 'phenomenon', title, null, 'layer 1 first, then 2, …', rule, 'no Tanh run', '§3.2, Fig. 3 (top)')];
  const p98 = Array.from({ length: o.shape.hidden.length }, (_, i) => series(l.store, o.runId, 'activation.p98', i + 1));
  const r = tanhLayerByLayer(p98);
  const finals = p98.map((s) => s[s.length - 1]?.[1] ?? NaN);
  out.push({
    id,
    group: 'phenomenon',
    title,
    ours: r.times.filter((t) => t !== null).length,
    // "saturated" here is this check's rule (98th percentile ≥ 0.95), not the probe's f′ one: say so
    oursText: `${r.times.filter((t) => t !== null).length} of ${r.times.length} layers reached p98 ≥ ${TANH_SATURATION_P98}`,
    paper: null,
    paperText: 'layer 1 first, then 2, 3, 4',
    verdict: r.shown ? 'pass' : 'fail',
    rule,
    detail: `saturation updates: ${r.times.map((t, i) => `L${i + 1} ${t === null ? 'never' : t.toLocaleString('en-US')}`).join(', ')}; final 98th ` +
      `percentiles: ${finals.map((v, i) => `L${i + 1} ${fmt(v)}`).join(', ')}`,
    runs: [o.runId],
    source: '§3.2, Fig. 3 (top)',
  });
  return out;
}

/**
 * Fig. 11: the depth-4 sigmoid learns, unlike depth 5 (check `phenomenon.sigmoid4-learns`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function sigmoid4LearnsCheck(l: Lookup): Check[] {
  const out: Check[] = [];
  const id = 'phenomenon.sigmoid4-learns';
  const title = 'Sigmoid depth 4 learns on Shapeset-3×2, unlike depth 5 (Fig. 11)';
  const chance = l.dataset === null ? null : l.chance(l.dataset);
  const rule = `shown when the Sigmoid d4 curve run's final test error is more than ${LEARNED_MARGIN_PP} points below the dataset's chance ` +
    `level${chance === null ? '' : ` (${chance.toFixed(2)} %)`}`;
  const o = l.run('Sigmoid d4');
  if (!o || chance === null) {
    const why = !o ? 'no Sigmoid d4 run' : `chance level of ${l.dataset ?? 'the main dataset'} unknown`;
    out.push(notRun(id, 'phenomenon', title, null, 'well below chance', rule, why, 'Fig. 11'));
  } else {
    const learned = o.testError < chance - LEARNED_MARGIN_PP;
    const d5 = l.run('Sigmoid');
    out.push({
      id,
      group: 'phenomenon',
      title,
      ours: o.testError,
      oursText: `${o.testError.toFixed(2)} % (chance ${chance.toFixed(2)} %)`,
      paper: null,
      paperText: 'well below chance (depth 5 stays at chance)',
      verdict: learned ? 'pass' : 'fail',
      rule,
      detail:
        `run ${o.runId}, learning rate ${o.learningRate}${d5 ? `; Sigmoid depth 5: ${d5.testError.toFixed(2)} %` : ''}` +
        (learned ? '' : ' — depth 4 is stuck at chance too in this run (the paper\'s depth-4 sigmoid learns; far fewer updates here)'),
      runs: d5 ? [o.runId, d5.runId] : [o.runId],
      source: '§3.1, Fig. 11',
    });
  }
  return out;
}

/**
 * Fig. 10: no layer-by-layer saturation with normalized init (check `phenomenon.tanhn-no-saturation`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function tanhNNoSaturationCheck(l: Lookup): Check[] {
  const out: Check[] = [];
  const id = 'phenomenon.tanhn-no-saturation';
  const title = 'Tanh N: no layer-by-layer saturation (Fig. 10)';
  const rule = `a hidden layer saturates when its 98th percentile reaches ≥ ${TANH_SATURATION_P98} at some probe point; shown when no layer of the Tanh N ` +
    `run saturates, or fewer of its layers than of the Tanh (standard init) run`;
  const o = l.run('Tanh N');
  if (!o) return [notRun(id, 'phenomenon', title, 0, 'no layer saturates', rule, 'no Tanh N run', '§4.2.2, Fig. 10')];
  const p98Of = (x: RunOutcome): Array<Array<[number, number]>> =>
    Array.from({ length: x.shape.hidden.length }, (_, i) => series(l.store, x.runId, 'activation.p98', i + 1));
  const pn = p98Of(o);
  const t = l.run('Tanh');
  const r = tanhNoSaturation(pn, t ? p98Of(t) : null);
  const finals = pn.map((s) => s[s.length - 1]?.[1] ?? NaN);
  const recorded = pn.some((s) => s.length > 0);
  out.push({
    id,
    group: 'phenomenon',
    title,
    ours: r.normalizedSaturated,
    oursText: `${r.normalizedSaturated} of ${pn.length} layers reached p98 ≥ ${TANH_SATURATION_P98}` +
      (r.standardSaturated === null ? '' : ` (Tanh: ${r.standardSaturated})`),
    paper: 0,
    paperText: 'the saturation of Fig. 3 disappears',
    verdict: recorded ? (r.shown ? 'pass' : 'fail') : 'not-run',
    rule,
    detail:
      `Tanh N saturation updates: ${r.times.map((u, i) => `L${i + 1} ${u === null ? 'never' : u.toLocaleString('en-US')}`).join(', ')}; final 98th ` +
        `percentiles: ${finals.map((v, i) => `L${i + 1} ${fmt(v)}`).join(', ')}` +
      (r.standardSaturated === null ? '; no Tanh run to compare' : `; Tanh (standard init): ${r.standardSaturated} ` +
        `layer${r.standardSaturated === 1 ? '' : 's'} saturated`) +
      (r.shown || !recorded ? '' : ' — saturation did not disappear in this run'),
    runs: t ? [o.runId, t.runId] : [o.runId],
    source: '§4.2.2, Fig. 10',
  });
  return out;
}

/**
 * Figs. 3–4: softsign saturates less than tanh at the end of training (check `phenomenon.softsign-less-saturated`).
 * @returns the check(s), `not-run` where the runs it needs were not made.
 */
export function softsignLessSaturatedCheck(l: Lookup): Check[] {
  const out: Check[] = [];
  const id = 'phenomenon.softsign-less-saturated';
  const title = 'Softsign saturates less than tanh at the end of training (Figs. 3–4)';
  const rule = `fraction of activations within ${fmt(1 - ASYMPTOTE_LEVEL)} of the asymptotes ±1 (|z| ≥ ${ASYMPTOTE_LEVEL}, from the stored activation ` +
    `histograms: bins whose centre lies there), averaged over hidden layers at the last probe point; shown when softsign's < tanh's and tanh's ≥ ` +
      `${TANH_MIN_SATURATED} (otherwise tanh did not saturate and there is nothing to compare). Not f′-based: softsign's working region, its knees at |z| ≈ ` +
        `0.6–0.8 (Fig. 4), already has f′ ≈ 0.1`;
  const t = l.run('Tanh');
  const s = l.run('Softsign');
  if (!t || !s) {
    const missing = [...(t ? [] : ['no Tanh run']), ...(s ? [] : ['no Softsign run'])].join(', ');
    out.push(notRun(id, 'phenomenon', title, null, 'softsign saturates less', rule, missing, '§3.2, Fig. 4'));
  } else {
    const final = (o: RunOutcome): number[] => {
      const updates = l.store.histogramUpdates(o.runId, 'activation');
      const last = updates[updates.length - 1];
      return last === undefined ? [] : asymptoteFractions(l.store.histogramsAt(o.runId, 'activation', last), o.shape.hidden.length);
    };
    const pt = final(t);
    const ps = final(s);
    const avg = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
    const ft = avg(pt);
    const fs = avg(ps);
    const shown = ft >= TANH_MIN_SATURATED && fs < ft;
    const perLayer = (v: number[]): string => v.map((x, i) => `L${i + 1} ${fmt(100 * x, 2)}%`).join(', ');
    out.push({
      id,
      group: 'phenomenon',
      title,
      ours: Number.isFinite(fs) ? fs : null,
      oursText: `softsign ${fmt(100 * fs)}% vs tanh ${fmt(100 * ft)}% of activations at |z| ≥ ${ASYMPTOTE_LEVEL}`,
      paper: null,
      paperText: 'softsign less saturated (its activations sit at the knees, not at ±1)',
      verdict: Number.isFinite(ft) && Number.isFinite(fs) ? (shown ? 'pass' : 'fail') : 'not-run',
      rule,
      detail:
        (ft < TANH_MIN_SATURATED ? `tanh put only ${fmt(100 * ft)}% of its activations near ±1: not shown at this length of training; ` : '') +
        `per layer near ±1 — tanh: ${perLayer(pt)}; softsign: ${perLayer(ps)}`,
      runs: [t.runId, s.runId],
      source: '§3.2, Fig. 4',
    });
  }
  return out;
}
