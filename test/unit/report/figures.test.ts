import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CostSurfaces } from '../../../src/core/artifacts.ts';
import { buildFig10 } from '../../../src/report/figures/activations.ts';
import { buildFig1 } from '../../../src/report/figures/fig01.ts';
import { buildFig5 } from '../../../src/report/figures/fig05.ts';
import { compile } from 'vega-lite';
import { specToSvg } from '../../../src/report/render.ts';
import { buildInitFigure, densityRows, histogramAbsPercentile } from '../../../src/report/figures/histograms.ts';
import { coincideNote, coincidingCurves } from '../../../src/report/figures/curves.ts';
import type { ConfigLabel } from '../../../src/report/input.ts';
import { oneRunPerLabel, type SyntheticRun, withSyntheticSelections } from './synthetic.ts';

/** Fig. 10's caption for synthetic Tanh / Tanh N runs. */
function fig10Caption(runs: Partial<Record<ConfigLabel, Omit<SyntheticRun, 'id'>>>): string {
  return withSyntheticSelections(oneRunPerLabel(runs), (store, selections) => buildFig10({ store, selections, mainDataset: 'shapeset', scale: 'quick' }).caption);
}

test('Fig. 10 caption says what the run showed, not only the paper', () => {
  const tanh: Omit<SyntheticRun, 'id'> = { activation: 'tanh', init: 'standard', scalar: (n, k, u) => (n === 'activation.p98' ? (k <= 2 && u >= 10 ? 0.98 : 0.5) : undefined) };
  const saturated = fig10Caption({ Tanh: tanh, 'Tanh N': { activation: 'tanh', init: 'normalized', scalar: (n, k, u) => (n === 'activation.p98' ? (k <= 3 && u >= 10 ? 0.99 : 0.5) : undefined) } });
  assert.match(saturated, /This run: layers 1, 2, 3 of Tanh N reached/);
  assert.match(saturated, /Tanh, standard init: 2 layers/);
  assert.match(saturated, /did NOT disappear/);
  const clean = fig10Caption({ Tanh: tanh, 'Tanh N': { activation: 'tanh', init: 'normalized', scalar: (n) => (n === 'activation.p98' ? 0.6 : undefined) } });
  assert.match(clean, /This run: no hidden layer of Tanh N/);
  assert.doesNotMatch(clean, /NOT/);
});

test('coinciding curves: equal at ≥ 80 % of the probe points → named in the caption; apart → not', () => {
  const flat = (e: number): Array<[number, number]> => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((u) => [u, e]);
  const noisy = flat(83.5).map(([u, e]) => [u, u === 1 ? 94 : e] as [number, number]);
  const pairs = coincidingCurves([
    { name: 'Sigmoid', points: flat(83.5) },
    { name: 'Sigmoid d4', points: noisy },
    { name: 'Tanh', points: flat(60) },
  ]);
  assert.deepEqual(pairs, [['Sigmoid', 'Sigmoid d4']]);
  assert.match(coincideNote(pairs), /Sigmoid and Sigmoid d4/);
  assert.equal(coincideNote([]), '');
});

test('Fig. 1 draws the sheets stored in the record and names the datasets without one; never a training run', () => {
  const png = Uint8Array.of(137, 80, 78, 71);
  const f = buildFig1([{ dataset: 'shapeset', note: 'shown at 64×64; trained at 32×32', png, width: 10, height: 20 }], ['shapeset', 'fashion-mnist']);
  assert.deepEqual(f.runs, []);
  assert.match(f.caption, /Data shown: Shapeset-3×2 \(generated\);/);
  assert.match(f.notes[0]!, /no example sheet of Fashion-MNIST in the run record/);
  assert.match(JSON.stringify(f.spec), /Shapeset-3×2 \(shown at 64×64; trained at 32×32\)/);
  assert.match(JSON.stringify(f.spec), /data:image\/png;base64,iVBORw==/);
  assert.equal(buildFig1([], ['shapeset']).status, 'not-run');
});

test('Fig. 5 draws the stored surfaces; a record without them gets a figure that says so', () => {
  const s: CostSurfaces = {
    grid: Float64Array.of(-1, 0, 1),
    crossEntropy: Float64Array.from({ length: 9 }, (_, i) => i),
    quadratic: Float64Array.from({ length: 9 }, (_, i) => i / 10),
    examples: 7,
    labelNoise: 0.1,
  };
  const f = buildFig5(s);
  assert.equal(f.status, 'ok');
  assert.match(f.caption, /7 examples, class 0 when x > 0 else 1, 10% of labels flipped; w1, w2 on a 3×3 grid over \[−1, 1\]/);
  const none = buildFig5(null);
  assert.equal(none.status, 'not-run');
  assert.match(none.caption, /this record was made before glorot stored it/);
});

/** Synthetic surfaces on a `p`-point grid over [−6, 6]. */
function surfaces(p: number): CostSurfaces {
  const grid = Float64Array.from({ length: p }, (_, i) => -6 + (12 * i) / (p - 1));
  return {
    grid,
    crossEntropy: Float64Array.from({ length: p * p }, (_, i) => Math.sin(i) + 1.5),
    quadratic: Float64Array.from({ length: p * p }, (_, i) => Math.cos(i) / 4 + 0.5),
    examples: 7,
    labelNoise: 0.1,
  };
}

test("Fig. 5's SVG: a heat-map cell costs one short path (whole-pixel edges, no per-cell ARIA label), so 61×61 grids stay far below the 2.5 MB they were", async () => {
  const small = await specToSvg(buildFig5(surfaces(11)).spec);
  const large = await specToSvg(buildFig5(surfaces(21)).spec);
  const perCell = (Buffer.byteLength(large) - Buffer.byteLength(small)) / (2 * (21 * 21 - 11 * 11));
  // a cell was ~347 bytes (an ARIA label naming every field, 16-digit coordinates); now ~54
  assert.ok(perCell < 70, `${perCell.toFixed(1)} bytes per cell`);
  assert.doesNotMatch(large, /aria-roledescription="rect mark"/);
  // cells of 5 px on whole pixels: the bottom-left cell of a 21-point grid (105 px high)
  assert.match(large, /<path d="M0,100h5v5h-5Z" fill="rgb\(/);
});

test('Figs. 7–8 from the own-range histograms: a density per layer over a common domain; older records fall back and say so', () => {
  const withInit = (ownRange: boolean, n: 6 | 7 | 8) =>
    withSyntheticSelections(
      oneRunPerLabel({ Tanh: { activation: 'tanh', init: 'standard', ownRange }, 'Tanh N': { activation: 'tanh', init: 'normalized', ownRange } }),
      (store, selections) => buildInitFigure({ store, selections, mainDataset: 'shapeset', scale: 'quick' }, n),
    );
  const fig7 = withInit(true, 7);
  assert.equal(fig7.status, 'ok');
  assert.deepEqual(fig7.runs, ['tanh', 'tanh-n']);
  assert.ok(fig7.notes.every((n) => !/predates/.test(n)));
  assert.match(fig7.notes[0]!, /x range ±/);
  const old = withInit(false, 8);
  assert.equal(old.status, 'ok');
  assert.match(old.notes[0]!, /predates the per-layer-range histograms \(weight_grad\.own_range\); shown are the stored weight_grad histograms/);
  assert.match(withInit(true, 6).caption, /over the activation's range \[−1, 1\]/);
  // the paired panels share one y scale (issue 15, item 16): compiled, one scale `y`, not one per panel
  for (const n of [6, 7, 8] as const) {
    const scales = (compile(withInit(true, n).spec as never).spec.scales ?? []).map((sc) => sc.name);
    assert.ok(scales.includes('y') && !scales.some((name) => /^concat_\d+_y$/.test(name)), `Fig. ${n}: ${scales.join(', ')}`);
    assert.ok(scales.some((name) => /^concat_\d+_x$/.test(name)), `Fig. ${n}: x stays each panel's own`);
  }
});

test('densityRows: narrower layers peak higher; the domain is the widest layer\'s 99.9th percentile of |value|', () => {
  const hist = (layer: number, half: number) => ({
    updates: 0,
    layer,
    tensor: 'backprop_grad.own_range' as const,
    edges: Float64Array.from({ length: 5 }, (_, i) => -half + (half / 2) * i),
    counts: Float64Array.of(1, 4, 4, 1),
    nan: 0,
    posInf: 0,
    negInf: 0,
  });
  assert.equal(histogramAbsPercentile(hist(1, 2), 99.9), 2);
  assert.equal(histogramAbsPercentile(hist(1, 2), 50), 1);
  const { rows, domain, outside } = densityRows([hist(1, 2), hist(2, 0.5)], 2);
  assert.deepEqual(domain, [-2, 2]);
  assert.equal(outside, 0);
  const peak = (layer: string): number => Math.max(...rows.filter((r) => r['layer'] === layer).map((r) => r['fraction'] as number));
  // same shape, 4× narrower: 4× the density; densities integrate to 1
  assert.equal(peak('Layer 2') / peak('Layer 1'), 4);
  const area = rows.filter((r) => r['layer'] === 'Layer 1').reduce((a, r) => a + (r['fraction'] as number) * 1, 0);
  assert.equal(area, 1);
});
