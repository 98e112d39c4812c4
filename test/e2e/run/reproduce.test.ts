/**
 * The main job end to end at the smoke scale, through the real command, run once: every figure, the
 * table and summary.json exist and hold real numbers; the phenomena the smoke scale can show are in
 * the record (5 hidden layers of 32 units, 400 updates: at initialization the paper's eqs. (5)–(7),
 * (13), (14) and (17) hold; after 400 updates Fashion-MNIST is learned with normalized init and
 * sigmoid is stuck); the report's checks agree; running it again skips every run and reproduces the
 * table. What the smoke scale cannot show (sigmoid's late escape, Shapeset error rates, saturation
 * over training) is left to the quick and paper scales (docs/DECISIONS.md "Scales").
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScalarName } from '../../../src/core/metrics.ts';
import { openRunStore, type RunStore } from '../../../src/store/runStore.ts';

const BIN = resolve('bin/glorot.js');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FASHION = existsSync('/usr/share/datasets/fashion-mnist');
const DATASETS = FASHION ? ['shapeset', 'fashion-mnist'] : ['shapeset'];
/** The smoke scale's network: 5 hidden layers of 32 units (src/config/scales.ts). */
const HIDDEN = 5;
const WIDTH = 32;

interface Cell {
  dataset: string;
  label: string;
  ran: boolean;
  mean: number | null;
  paper: number | null;
  runIds: string[];
}
interface Summary {
  scale: string;
  table1: { cells: Cell[] };
  checks: Array<{ id: string; verdict: string; oursText: string; rule: string }>;
}

const out = mkdtempSync(join(tmpdir(), 'glorot-smoke-'));
const args = [BIN, 'reproduce', '--scale', 'smoke', '--datasets', DATASETS.join(','), '--out', out];
let summary: Summary;
let store: RunStore;

before(() => {
  const first = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  assert.equal(first.status, 0, first.stdout + first.stderr);
  summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  store = openRunStore(out, { readonly: true });
});
after(() => {
  store?.close();
  rmSync(out, { recursive: true, force: true });
});

/** The run of a Table 1 configuration on a dataset. */
function runOf(dataset: string, label: string): string {
  const c = summary.table1.cells.find((x) => x.dataset === dataset && x.label === label);
  assert.ok(c && c.runIds.length === 1, `one ${label} run on ${dataset}`);
  return c.runIds[0]!;
}

/** A probe scalar of hidden layers 1 … HIDDEN at initialization (update 0), index k − 1 for layer k. */
function atInit(run: string, name: ScalarName): number[] {
  const v = store.scalarSeries(run, name).filter((p) => p.updates === 0 && p.layer >= 1 && p.layer <= HIDDEN);
  assert.deepEqual(v.map((p) => p.layer), [1, 2, 3, 4, 5], `${run}: ${name} at update 0 for every hidden layer`);
  return v.map((p) => p.value);
}

const ratio = (v: readonly number[]): number => v[0]! / v.at(-1)!; // layer 1 over layer 5
const spread = (v: readonly number[]): number => Math.max(...v) / Math.min(...v);
const increasing = (v: readonly number[]): boolean => v.every((x, i) => i === 0 || x > v[i - 1]!);
const decreasing = (v: readonly number[]): boolean => v.every((x, i) => i === 0 || x < v[i - 1]!);
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const fmt = (v: readonly number[]): string => v.map((x) => x.toPrecision(3)).join(', ');

test('glorot reproduce --scale smoke: every figure, Table 1 and summary.json with real numbers', () => {
  for (let n = 1; n <= 12; n++) {
    for (const ext of ['svg', 'png']) {
      const f = join(out, 'report', 'figures', `fig${n}.${ext}`);
      assert.ok(existsSync(f) && statSync(f).size > 1000, `${f} exists and is not empty`);
    }
    assert.deepEqual(readFileSync(join(out, 'report', 'figures', `fig${n}.png`)).subarray(0, 8), PNG, `fig${n}.png is a PNG`);
  }
  const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
  assert.match(html, /Table 1/);
  assert.doesNotMatch(html, /\bNaN\b|undefined/);
  assert.match(readFileSync(join(out, 'report', 'README.md'), 'utf8'), /\| Tanh N \|/);
  assert.equal(summary.scale, 'smoke');
  for (const dataset of DATASETS) {
    const cells = summary.table1.cells.filter((c) => c.dataset === dataset);
    assert.equal(cells.length, 5, `${dataset}: the five Table 1 rows`);
    for (const c of cells) {
      assert.ok(c.ran && typeof c.mean === 'number' && c.mean >= 0 && c.mean <= 100, `${dataset} ${c.label}: test error ${c.mean}`);
      assert.ok(typeof c.paper === 'number', `${c.label}: the paper's value is beside ours`);
    }
  }
  assert.ok(summary.checks.length >= 10 && summary.checks.every((c) => ['pass', 'weak', 'fail', 'not-run'].includes(c.verdict)));
});

test('activations stay in their range at every probe point: sigmoid in [0, 1], tanh and softsign in [−1, 1]', () => {
  for (const dataset of DATASETS) {
    for (const [label, lo, hi] of [['Sigmoid', 0, 1], ['Tanh', -1, 1], ['Tanh N', -1, 1], ['Softsign', -1, 1], ['Softsign N', -1, 1]] as const) {
      const run = runOf(dataset, label);
      const min = store.scalarSeries(run, 'activation.min').filter((p) => p.layer >= 1);
      const max = store.scalarSeries(run, 'activation.max').filter((p) => p.layer >= 1);
      assert.ok(min.length >= 2 * HIDDEN && max.length === min.length, `${run}: several probe points`);
      for (const p of min) assert.ok(p.value >= lo, `${run} layer ${p.layer} after ${p.updates} updates: min ${p.value} < ${lo}`);
      for (const p of max) assert.ok(p.value <= hi, `${run} layer ${p.layer} after ${p.updates} updates: max ${p.value} > ${hi}`);
    }
  }
});

test('eq. (13) at init: standard init shrinks back-propagated gradients toward the input by ≈ (n·Var[W])^2 = 1/9; normalized keeps them', () => {
  // ∂C/∂s of layer 1 is that of layer 5 times four hidden-to-hidden factors n·Var[W] (variance): 1/3
  // each under standard init (std ×1/9 over four layers), 1 under normalized init (tanh's f′ < 1
  // lowers it somewhat).
  const expected = (1 / 3) ** ((HIDDEN - 1) / 2);
  for (const dataset of DATASETS) {
    const standard = atInit(runOf(dataset, 'Tanh'), 'backprop_grad.std');
    const normalized = atInit(runOf(dataset, 'Tanh N'), 'backprop_grad.std');
    assert.ok(increasing(standard), `${dataset} Tanh: std grows from layer 1 to 5 (${fmt(standard)})`);
    const r = ratio(standard);
    assert.ok(r > expected / 2 && r < expected * 2, `${dataset} Tanh: layer 1 / layer 5 = ${r}, eq. (13): ${expected}`);
    assert.ok(ratio(normalized) > 0.4 && ratio(normalized) < 1.5, `${dataset} Tanh N: layer 1 / layer 5 = ${ratio(normalized)} (${fmt(normalized)})`);
    assert.ok(ratio(normalized) > 4 * ratio(standard), `${dataset}: normalized init keeps the gradients, standard shrinks them`);
    // sigmoid: f′ ≤ 1/4 multiplies each layer's factor by ≤ 1/16, so the gradients vanish far faster
    const sigmoid = atInit(runOf(dataset, 'Sigmoid'), 'backprop_grad.std');
    assert.ok(ratio(sigmoid) < 0.01, `${dataset} Sigmoid: layer 1 / layer 5 = ${ratio(sigmoid)} (${fmt(sigmoid)})`);
  }
});

test('eq. (14) at init: weight gradients stay alike across layers while back-propagated gradients do not (standard init)', () => {
  for (const dataset of DATASETS) {
    const run = runOf(dataset, 'Tanh');
    const weight = atInit(run, 'weight_grad.std');
    const backprop = atInit(run, 'backprop_grad.std');
    assert.ok(spread(weight) < 2.5, `${dataset} Tanh: ∂C/∂W std max/min = ${spread(weight)} (${fmt(weight)})`);
    assert.ok(spread(backprop) > 5, `${dataset} Tanh: ∂C/∂s std max/min = ${spread(backprop)}`);
  }
});

test('the mean-field predictions are in the record at init for every hidden layer, and the report judges the variance checks on them (issue 13); at 32 units they are within ±20% (their own sampling error at this width is several per cent: the ±5%/±10% target is for the paper\'s 1000 units, test/e2e/theory/target.test.ts)', () => {
  for (const dataset of DATASETS) {
    for (const label of ['Tanh', 'Tanh N', 'Softsign', 'Softsign N']) {
      const run = runOf(dataset, label);
      for (const [measured, predicted] of [['activation.std', 'meanfield.activation.var'], ['backprop_grad.std', 'meanfield.backprop_grad.var']] as const) {
        const m = atInit(run, measured).map((s) => s * s);
        const r = atInit(run, predicted).map((p, i) => p / m[i]!);
        assert.ok(r.every((x) => x > 0.8 && x < 1.25), `${dataset} ${label}: ${predicted} / ${measured}² per layer = ${fmt(r)}`);
      }
      assert.equal(atInit(run, 'meanfield.population.activation.var').length, HIDDEN);
    }
  }
  for (const id of ['variance.tanh', 'variance.tanh-n', 'variance.softsign', 'variance.softsign-n']) {
    const c = summary.checks.find((x) => x.id === id);
    assert.ok(c && c.verdict !== 'not-run', `${id} judged`);
    assert.match(c.rule, /^pass when, in every layer, the mean-field prediction conditioned on the drawn network/, id);
  }
});

test('eqs. (5)–(6) at init: tanh with standard init is in the linear regime; measured variances match the theory within ×2', () => {
  for (const dataset of DATASETS) {
    const run = runOf(dataset, 'Tanh');
    for (const [measured, theory] of [['activation.std', 'theory.activation.var'], ['backprop_grad.std', 'theory.backprop_grad.var']] as const) {
      const m = atInit(run, measured).map((s) => s * s);
      const t = atInit(run, theory);
      const r = m.map((x, i) => x / t[i]!);
      assert.ok(r.every((x) => x > 0.5 && x < 2), `${dataset} Tanh: ${measured}² / ${theory} per layer = ${fmt(r)}`);
    }
    // Fig. 6: activations narrow upward under standard init, much less under normalized init
    const standard = atInit(run, 'activation.std');
    const normalized = atInit(runOf(dataset, 'Tanh N'), 'activation.std');
    assert.ok(decreasing(standard) && 1 / ratio(standard) < 0.25, `${dataset} Tanh: activation std ${fmt(standard)}`);
    assert.ok(1 / ratio(normalized) > 0.4, `${dataset} Tanh N: activation std ${fmt(normalized)}`);
  }
});

test('eq. (17) at init: the Jacobian mean singular value is ≈ 0.5 under standard init, ≈ 0.8 under normalized (tanh)', () => {
  // the square hidden-to-hidden layers 2 … 5 (layer 1 maps the input's 1024 or 784 units to 32)
  for (const dataset of DATASETS) {
    const standard = atInit(runOf(dataset, 'Tanh'), 'jacobian.sv_mean').slice(1);
    const normalized = atInit(runOf(dataset, 'Tanh N'), 'jacobian.sv_mean').slice(1);
    assert.ok(Math.abs(mean(standard) - 0.5) < 0.1, `${dataset} Tanh: ${fmt(standard)} (paper ≈ 0.5; (8/(3π))·√(1/3) = 0.49)`);
    assert.ok(mean(normalized) > 0.65 && mean(normalized) < 0.9, `${dataset} Tanh N: ${fmt(normalized)} (paper ≈ 0.8)`);
    assert.ok(standard.every((s, i) => s < normalized[i]!), `${dataset}: standard < normalized in every layer`);
  }
  assert.equal(WIDTH, 32, 'the thresholds above assume the smoke width');
});

const NO_FASHION = !FASHION && 'Fashion-MNIST is not installed (Debian dataset-fashion-mnist)';

test('after 400 updates on Fashion-MNIST: the normalized-init nets learn, the 5-layer sigmoid net is still at chance', { skip: NO_FASHION }, () => {
  const error = (label: string): number => summary.table1.cells.find((c) => c.dataset === 'fashion-mnist' && c.label === label)!.mean!;
  assert.ok(error('Tanh N') < 50 && error('Softsign N') < 50, `Tanh N ${error('Tanh N')} %, Softsign N ${error('Softsign N')} % (chance 90 %)`);
  assert.ok(error('Sigmoid') > 85, `Sigmoid ${error('Sigmoid')} % (chance 90 %)`);
  assert.ok(error('Tanh N') < error('Tanh'), `normalized init learns faster: Tanh N ${error('Tanh N')} % vs Tanh ${error('Tanh')} %`);
});

test("the report's checks agree with the record where the smoke scale can decide", () => {
  const verdict = (id: string): string => summary.checks.find((c) => c.id === id)?.verdict ?? 'missing';
  for (const id of ['jacobian.standard', 'chance.level', 'phenomenon.fig6.standard', 'phenomenon.fig7.standard', 'phenomenon.fig8.standard']) {
    assert.equal(verdict(id), 'pass', `check ${id}: ${JSON.stringify(summary.checks.find((c) => c.id === id))}`);
  }
});

test('a re-run skips every run and reproduces Table 1', () => {
  const again = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
  assert.equal(again.status, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /already finished, skipped/);
  assert.doesNotMatch(again.stdout, /: finished$/m);
  const summary2 = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  assert.deepEqual(summary2.table1, summary.table1);
});
