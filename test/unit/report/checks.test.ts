import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildChecks } from '../../../src/report/checks/index.ts';
import { shapesetClassPriors } from '../../../src/data/shapeset/params.ts';
import { asymptoteFractions, chanceError, sigmoidCollapse, tanhLayerByLayer, tanhNoSaturation } from '../../../src/report/checks/rules.ts';
import { type Check, type ChecksResult, plural } from '../../../src/report/checks/types.ts';
import type { ConfigLabel } from '../../../src/report/input.ts';
import { buildTable1 } from '../../../src/report/table1.ts';
import { oneRunPerLabel, type SyntheticRun, withSyntheticSelections } from './synthetic.ts';

/** Writes runs labelled by their key into a fresh store and returns every check. */
function checksFor(runs: Partial<Record<ConfigLabel, Omit<SyntheticRun, 'id'>>>): ChecksResult {
  return withSyntheticSelections(oneRunPerLabel(runs), (store, selections) => buildChecks(store, selections, buildTable1(selections, ['shapeset']), 'shapeset'));
}

/** Like {@link checksFor}, with several seeds per label: `runs[label]` lists one run per seed. */
function checksForSeeds(runs: Partial<Record<ConfigLabel, Array<Omit<SyntheticRun, 'id'>>>>): ChecksResult {
  const entries = (Object.entries(runs) as Array<[ConfigLabel, Array<Omit<SyntheticRun, 'id'>>]>).map(
    ([label, list]) => [label, list.map((r, i) => ({ ...r, id: `${label.toLowerCase().replace(' ', '-')}-s${i + 1}`, seed: i + 1 }))] as const,
  );
  return withSyntheticSelections(entries, (store, selections) => buildChecks(store, selections, buildTable1(selections, ['shapeset']), 'shapeset'));
}

function verdict(r: ChecksResult, id: string): Check['verdict'] {
  const c = r.checks.find((x) => x.id === id);
  assert.ok(c, `check ${id} exists`);
  return c.verdict;
}

test('Shapeset chance level is computed from the class priors: 1/6, 1/9, 1/18 → 83.33 %', () => {
  const p = shapesetClassPriors();
  assert.equal(p.length, 9);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  for (const k of [0, 1, 2]) assert.ok(Math.abs(p[k]! - 1 / 6) < 1e-12);
  for (const k of [3, 4, 5]) assert.ok(Math.abs(p[k]! - 1 / 9) < 1e-12);
  for (const k of [6, 7, 8]) assert.ok(Math.abs(p[k]! - 1 / 18) < 1e-12);
  assert.equal(chanceError(p).toFixed(2), '83.33');
});

test('sigmoid collapse rule: top layer → ≤ 0.1 and lowest ⇒ shown; staying at 0.5 ⇒ not shown', () => {
  const flat: Array<[number, number]> = [[0, 0.5], [10, 0.5], [100, 0.5]];
  const yes = sigmoidCollapse([flat, flat, [[0, 0.5], [10, 0.05], [100, 0.02]]]);
  assert.equal(yes.shown, true);
  assert.equal(yes.update, 10);
  assert.equal(yes.stayFraction, 1);
  assert.equal(sigmoidCollapse([flat, flat, flat]).shown, false);
  // ≤ 0.1 but another layer is even lower: not the phenomenon
  assert.equal(sigmoidCollapse([[[0, 0.5], [10, 0.01]], [[0, 0.5], [10, 0.05]]]).shown, false);
});

test('tanh layer-by-layer rule: saturation times must be ordered from layer 1 upward', () => {
  const sat = (t: number): Array<[number, number]> => [[0, 0.5], [t, 0.97], [10_000, 0.99]];
  assert.deepEqual(tanhLayerByLayer([sat(10), sat(100), sat(1000)]), { shown: true, times: [10, 100, 1000] });
  assert.equal(tanhLayerByLayer([sat(1000), sat(100), sat(10)]).shown, false, 'top layer first');
  assert.equal(tanhLayerByLayer([[[0, 0.5]], sat(100), sat(1000)]).shown, false, 'layer 1 never saturates');
  assert.equal(tanhLayerByLayer([sat(10), [[0, 0.5]], [[0, 0.5]]]).shown, false, 'a single layer is not "layer by layer"');
});

test('checks on synthetic records where every phenomenon is shown → pass', () => {
  const r = checksFor({
    Sigmoid: {
      activation: 'sigmoid',
      init: 'standard',
      testError: 83,
      scalar: (n, k, u) => (n === 'activation.mean' ? (k === 3 && u >= 10 ? 0.03 : 0.5) : undefined),
    },
    Tanh: {
      activation: 'tanh',
      init: 'standard',
      testError: 30,
      scalar: (n, k, u) => {
        if (n === 'activation.p98') return u >= 10 ** k ? 0.98 : 0.5;
        if (n === 'activation.std') return 0.9 / k; // layer 1's histogram reaches ±0.9
        if (n === 'theory.activation.var') return (0.9 / k) ** 2;
        if (n === 'jacobian.sv_mean') return 0.49;
        return undefined;
      },
    },
    'Tanh N': {
      activation: 'tanh',
      init: 'normalized',
      testError: 20,
      scalar: (n, k) => {
        if (n === 'activation.std') return 0.4 + 0.02 * k;
        if (n === 'theory.activation.var') return (0.4 + 0.02 * k) ** 2;
        if (n === 'backprop_grad.std') return 0.05;
        if (n === 'theory.backprop_grad.var') return 0.0025;
        if (n === 'jacobian.sv_mean') return 0.81;
        return undefined;
      },
    },
    // activation histograms are Gaussians of std activation.std: softsign's narrow ones never reach ±0.9
    Softsign: { activation: 'softsign', init: 'standard', scalar: (n) => (n === 'activation.std' ? 0.2 : undefined) },
  });
  for (const id of [
    'jacobian.standard',
    'jacobian.normalized',
    'variance.tanh',
    'variance.tanh-n',
    'chance.level',
    'chance.sigmoid5',
    'phenomenon.sigmoid-collapse',
    'phenomenon.tanh-layer-by-layer',
    'phenomenon.tanhn-no-saturation',
    'phenomenon.softsign-less-saturated',
    'phenomenon.fig6.standard',
    'phenomenon.fig6.normalized',
    'phenomenon.fig7.standard',
    'phenomenon.fig7.normalized',
    'phenomenon.fig8.standard',
    'phenomenon.fig8.normalized',
  ]) {
    assert.equal(verdict(r, id), 'pass', id);
  }
  // one seed each: the comparison goes the paper's way but cannot be significant
  assert.equal(verdict(r, 'phenomenon.tanhn-beats-tanh.shapeset'), 'weak');
  assert.equal(verdict(r, 'variance.softsign-n'), 'not-run');
  const jac = r.checks.find((c) => c.id === 'jacobian.standard')!;
  assert.equal(jac.ours, 0.49);
  assert.equal(jac.paper, 0.5);
  const vt = r.varianceTables.find((t) => t.label === 'Tanh N')!;
  assert.ok(vt.rows.every((row) => Math.abs(row.ratio - 1) < 1e-9 || row.quantity === 'weight_grad'));
});

test('checks on synthetic records where no phenomenon is shown → fail (never a silent pass)', () => {
  const r = checksFor({
    Sigmoid: { activation: 'sigmoid', init: 'standard', testError: 40, scalar: (n) => (n === 'activation.mean' ? 0.5 : undefined) },
    Tanh: {
      activation: 'tanh',
      init: 'standard',
      testError: 20,
      scalar: (n, k, u) => {
        if (n === 'activation.p98') return u >= 10 ** (4 - k) ? 0.98 : 0.5; // top layer first
        if (n === 'activation.std' || n === 'backprop_grad.std') return 0.3; // no narrowing
        if (n === 'weight_grad.std') return 0.001 * 10 ** k; // very different per layer
        if (n === 'theory.activation.var') return 0.09 / 10 ** k; // trend contradicts the measurement
        if (n === 'jacobian.sv_mean') return 0.9;
        return undefined;
      },
    },
    'Tanh N': {
      activation: 'tanh',
      init: 'normalized',
      testError: 30,
      scalar: (n, k) => {
        if (n === 'activation.p98') return 0.99; // every layer saturated from the start
        if (n === 'activation.std') return 0.5 / k;
        if (n === 'backprop_grad.std') return 0.01 * k;
        if (n === 'jacobian.sv_mean') return 0.5;
        return undefined;
      },
    },
    Softsign: { activation: 'softsign', init: 'standard', scalar: (n) => (n === 'activation.std' ? 0.9 : undefined) },
  });
  for (const id of [
    'jacobian.standard',
    'jacobian.normalized',
    'variance.tanh',
    'chance.sigmoid5',
    'phenomenon.sigmoid-collapse',
    'phenomenon.tanh-layer-by-layer',
    'phenomenon.tanhn-no-saturation',
    'phenomenon.softsign-less-saturated',
    'phenomenon.tanhn-beats-tanh.shapeset',
    'phenomenon.fig6.standard',
    'phenomenon.fig6.normalized',
    'phenomenon.fig7.standard',
    'phenomenon.fig7.normalized',
    'phenomenon.fig8.standard',
  ]) {
    assert.equal(verdict(r, id), 'fail', id);
  }
});

test('checks without runs are "not run", with the paper value still shown', () => {
  const r = checksFor({});
  const notRun = r.checks.filter((c) => c.verdict === 'not-run');
  assert.ok(notRun.length >= 10);
  assert.equal(r.checks.find((c) => c.id === 'jacobian.normalized')!.paper, 0.8);
  assert.equal(verdict(r, 'chance.level'), 'pass', 'the chance level needs no run');
});

test('nothing learned (every configuration at chance): "Tanh N beats Tanh" and "Sigmoid at chance" are not shown', () => {
  const r = checksFor({
    Sigmoid: { activation: 'sigmoid', init: 'standard', testError: 83.5 },
    Tanh: { activation: 'tanh', init: 'standard', testError: 87 },
    'Tanh N': { activation: 'tanh', init: 'normalized', testError: 83.3 },
  });
  assert.equal(verdict(r, 'phenomenon.tanhn-beats-tanh.shapeset'), 'fail');
  assert.match(r.checks.find((c) => c.id === 'phenomenon.tanhn-beats-tanh.shapeset')!.detail, /did not get clearly below chance/);
  assert.equal(verdict(r, 'chance.sigmoid5'), 'fail');
});

test('asymptote fractions: the share of histogram mass in bins centred at |z| ≥ 0.9', () => {
  const edges = Float64Array.from({ length: 11 }, (_, i) => -1 + 0.2 * i); // centres ±0.9, ±0.7, …
  const counts = Float64Array.from([5, 0, 0, 0, 40, 40, 0, 0, 0, 5]);
  const h = { updates: 9, layer: 1, tensor: 'activation' as const, edges, counts, nan: 10, posInf: 0, negInf: 0 };
  assert.deepEqual(asymptoteFractions([h, { ...h, layer: 2, counts: new Float64Array(10).fill(1), nan: 0 }], 3), [0.1, 0.2]);
});

test('Fig. 10 rule: Tanh N saturating no layer, or fewer than Tanh, is shown; as many or more is not', () => {
  const sat = (u: number): Array<[number, number]> => [[0, 0.5], [u, 0.97], [u * 10, 0.99]];
  const never: Array<[number, number]> = [[0, 0.3], [100, 0.6]];
  assert.equal(tanhNoSaturation([never, never, never], null).shown, true, 'none saturated, no Tanh run');
  assert.equal(tanhNoSaturation([sat(10), never, never], [sat(10), sat(100), never]).shown, true, '1 < 2');
  const r = tanhNoSaturation([sat(10), sat(10), sat(10), never], [sat(10), sat(100), never, never]);
  assert.deepEqual({ shown: r.shown, n: r.normalizedSaturated, s: r.standardSaturated }, { shown: false, n: 3, s: 2 }, 'the quick-scale case: 3 ≥ 2');
  assert.equal(tanhNoSaturation([sat(10), never], null).shown, false, 'saturation without a Tanh run to compare is not shown');
});

test('Tanh N beats Tanh: significant over seeds → pass; same direction but p ≥ 0.005 → weak; one seed → weak', () => {
  const tanh = (e: number): Omit<SyntheticRun, 'id'> => ({ activation: 'tanh', init: 'standard', testError: e });
  const tanhN = (e: number): Omit<SyntheticRun, 'id'> => ({ activation: 'tanh', init: 'normalized', testError: e });
  const sig = checksForSeeds({ Tanh: [tanh(30), tanh(30.2), tanh(29.9)], 'Tanh N': [tanhN(20), tanhN(20.1), tanhN(19.8)] });
  assert.equal(verdict(sig, 'phenomenon.tanhn-beats-tanh.shapeset'), 'pass');
  const noisy = checksForSeeds({ Tanh: [tanh(30), tanh(20), tanh(40)], 'Tanh N': [tanhN(29), tanhN(19), tanhN(39)] });
  assert.equal(verdict(noisy, 'phenomenon.tanhn-beats-tanh.shapeset'), 'weak');
  assert.match(noisy.checks.find((c) => c.id === 'phenomenon.tanhn-beats-tanh.shapeset')!.detail, /not significant/);
  const one = checksForSeeds({ Tanh: [tanh(30)], 'Tanh N': [tanhN(29.5)] });
  assert.equal(verdict(one, 'phenomenon.tanhn-beats-tanh.shapeset'), 'weak');
  assert.match(one.checks.find((c) => c.id === 'phenomenon.tanhn-beats-tanh.shapeset')!.detail, /not testable \(1 seed\)/);
});

test('number formatting in check text: plurals and no floating-point noise', () => {
  assert.equal(plural(1, 'epoch'), '1 epoch');
  assert.equal(plural(0.25, 'epoch'), '0.25 epochs');
  assert.equal(plural(3, 'epoch'), '3 epochs');
  const r = checksFor({
    Tanh: { activation: 'tanh', init: 'standard' },
    Softsign: { activation: 'softsign', init: 'standard' },
    Sigmoid: { activation: 'sigmoid', init: 'standard', scalar: (n, k, u) => (n === 'activation.mean' ? (k === 3 && u >= 1 ? 0.03 : 0.5) : undefined), updates: [0, 20000, 40000] },
  });
  for (const c of r.checks) assert.doesNotMatch(`${c.rule} ${c.detail} ${c.oursText}`, /\d\.\d{8,}|\b1 epochs\b/, c.id);
  assert.match(r.checks.find((c) => c.id === 'phenomenon.sigmoid-collapse')!.detail, /\(1 epoch\)/);
});

test('Sigmoid depth 4: stuck at chance → fail with a note; well below chance → pass', () => {
  const stuck = checksFor({ 'Sigmoid d4': { activation: 'sigmoid', init: 'standard', hidden: [8, 8, 8, 8], testError: 83.54 }, Sigmoid: { activation: 'sigmoid', init: 'standard', testError: 83.54 } });
  assert.equal(verdict(stuck, 'phenomenon.sigmoid4-learns'), 'fail');
  assert.match(stuck.checks.find((c) => c.id === 'phenomenon.sigmoid4-learns')!.detail, /stuck at chance too/);
  const learns = checksFor({ 'Sigmoid d4': { activation: 'sigmoid', init: 'standard', hidden: [8, 8, 8, 8], testError: 40 } });
  assert.equal(verdict(learns, 'phenomenon.sigmoid4-learns'), 'pass');
  assert.equal(verdict(checksFor({}), 'phenomenon.sigmoid4-learns'), 'not-run');
});

test('variance check: a NaN spread never counts toward a pass (issue 10)', () => {
  const fine = (n: string, k: number): number | undefined => {
    if (n === 'activation.std') return 0.5 / k;
    if (n === 'theory.activation.var') return 0.25 / (k * k);
    return undefined;
  };
  const ok = checksFor({ Tanh: { activation: 'tanh', init: 'standard', scalar: fine } });
  assert.equal(verdict(ok, 'variance.tanh'), 'pass', 'the control: every ratio 1');
  // one layer's prediction is NaN: its quantity's spread cannot be measured, so no pass, even though
  // the remaining layers' ratios agree perfectly
  const oneNaN = checksFor({ Tanh: { activation: 'tanh', init: 'standard', scalar: (n, k) => (n === 'theory.activation.var' && k === 2 ? NaN : fine(n, k)) } });
  const c = oneNaN.checks.find((x) => x.id === 'variance.tanh')!;
  assert.equal(c.verdict, 'fail');
  assert.match(c.detail, /activation: spread not measurable \(no finite positive ratio in layer 2\), so not shown/);
  assert.match(c.oursText, /1 not measurable/);
  // a measured std of NaN, likewise
  const stdNaN = checksFor({ Tanh: { activation: 'tanh', init: 'standard', scalar: (n, k) => (n === 'backprop_grad.std' && k === 1 ? NaN : fine(n, k)) } });
  assert.equal(verdict(stdNaN, 'variance.tanh'), 'fail');
  // nothing measurable at all: not run, not pass
  const allNaN = checksFor({ Tanh: { activation: 'tanh', init: 'standard', scalar: (n) => (n.startsWith('theory.') ? NaN : undefined) } });
  assert.notEqual(verdict(allNaN, 'variance.tanh'), 'pass');
});

test('Figs. 6–8 checks: a layer whose std at init is NaN makes "coincide" fail instead of dropping out', () => {
  const coincide = (n: string, k: number): number | undefined => (n === 'activation.std' ? 0.4 + 0.02 * k : undefined);
  const ok = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', scalar: coincide } });
  assert.equal(verdict(ok, 'phenomenon.fig6.normalized'), 'pass', 'the control');
  const nan = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', scalar: (n, k) => (n === 'activation.std' && k === 3 ? NaN : coincide(n, k)) } });
  const c = nan.checks.find((x) => x.id === 'phenomenon.fig6.normalized')!;
  assert.equal(c.verdict, 'fail');
  assert.match(c.detail, /no finite positive std in layer 3: not shown/);
});

test('variance rule text says what the theory is fed: E[x²], not Var[x]', () => {
  const r = checksFor({});
  const rule = r.checks.find((c) => c.id === 'variance.tanh')!.rule;
  assert.match(rule, /fed the measured input second moment E\[x²\]/);
  assert.doesNotMatch(rule, /theory uses Var\[x\]/);
});

test('a record without the stored Shapeset class priors: the chance checks say so instead of computing them', () => {
  const r = withSyntheticSelections(
    oneRunPerLabel({ Sigmoid: { activation: 'sigmoid', init: 'standard', testError: 83 } }),
    (store, selections) => {
      // as a record made before the reproduce job stored them: a view without the artifact
      const without = new Proxy(store, { get: (t, k) => (k === 'classPriors' ? () => null : Reflect.get(t, k, t)) });
      return buildChecks(without, selections, buildTable1(selections, ['shapeset']), 'shapeset');
    },
  );
  for (const id of ['chance.level', 'chance.sigmoid5']) {
    const c = r.checks.find((x) => x.id === id)!;
    assert.equal(c.verdict, 'not-run', id);
    assert.match(c.detail, /holds no Shapeset-3×2 class priors .* run glorot reproduce here again/, id);
  }
  assert.deepEqual(r.shapesetPriors, []);
  assert.ok(Number.isNaN(r.chanceError));
});

test('variance check on a record with mean-field predictions: judged on meanfield.* (Var[z] ±5%, Var[∂C/∂s] ±10% in every layer), the linear theory shown, not judged', () => {
  const check = (r: ChecksResult): Check => r.checks.find((c) => c.id === 'variance.tanh-n')!;
  // a linear theory 3× off with a trend across layers (the old rule would fail), a perfect mean-field prediction
  const linearOff = (n: string, k: number): number | undefined => (n === 'theory.activation.var' ? (3 * (0.5 / k) ** 2) / k : undefined);
  const perfect = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: linearOff } });
  assert.equal(check(perfect).verdict, 'pass');
  assert.equal(check(perfect).ours, 0);
  assert.match(check(perfect).rule, /within ±5% and of Var\[∂C\/∂s\] \(per example\) within ±10%/);
  assert.match(check(perfect).paperText, /linear eqs\. \(5\)–\(7\): measured\/theory 0\.333–1/);
  const table = perfect.varianceTables.find((t) => t.label === 'Tanh N')!;
  const row = table.rows.find((r) => r.quantity === 'activation' && r.layer === 2)!;
  assert.deepEqual([row.meanField, row.meanFieldError, row.population], [row.measured, 0, row.measured]);
  assert.ok(Math.abs(row.ratio - 2 / 3) < 1e-12, 'measured / linear');
  // layer 2's Var[z] 6% high: fail, and the detail names the layer; 4% passes
  const off = (e: number, name: string, layer: number) => (n: string, k: number): number | undefined =>
    n === `meanfield.${name}.var` && k === layer ? (1 + e) * (name === 'activation' ? (0.5 / k) ** 2 : (0.01 * k) ** 2) : undefined;
  const z6 = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: off(0.06, 'activation', 2) } });
  assert.equal(check(z6).verdict, 'fail');
  assert.match(check(z6).detail, /Var\[z\]: mean-field worst \+6% \(layer 2\)/);
  assert.ok(Math.abs(check(z6).ours! - 0.06) < 1e-9);
  assert.equal(check(checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: off(-0.04, 'activation', 2) } })).verdict, 'pass');
  // the softmax layer's ∂C/∂s counts: 9% passes, 11% fails
  assert.equal(check(checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: off(0.09, 'backprop_grad', 4) } })).verdict, 'pass');
  assert.equal(check(checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: off(-0.11, 'backprop_grad', 4) } })).verdict, 'fail');
  // Var[∂C/∂W] is shown, not judged
  const wg = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: (n) => (n === 'meanfield.weight_grad.var' ? 2e-6 : undefined) } });
  assert.equal(check(wg).verdict, 'pass');
  assert.match(check(wg).detail, /Var\[∂C\/∂W\] \(shown\): mean-field worst \+100%/);
  // a layer without a finite prediction never counts toward a pass
  const nan = checksFor({ 'Tanh N': { activation: 'tanh', init: 'normalized', meanField: true, scalar: (n, k) => (n === 'meanfield.activation.var' && k === 3 ? NaN : undefined) } });
  assert.equal(check(nan).verdict, 'fail');
  assert.match(check(nan).detail, /no prediction or measurement in layer 3/);
});

test('variance check on a record made before the mean-field predictions: judged on the linear theory’s layer-to-layer trend, and the rule says so', () => {
  const r = checksFor({ Tanh: { activation: 'tanh', init: 'standard', scalar: (n, k) => (n === 'activation.std' ? 0.5 / k : undefined) } });
  const c = r.checks.find((x) => x.id === 'variance.tanh')!;
  assert.equal(c.verdict, 'pass');
  assert.match(c.rule, /^this record predates the mean-field predictions/);
  assert.ok(r.varianceTables[0]!.rows.every((row) => row.meanField === null && row.population === null));
});
