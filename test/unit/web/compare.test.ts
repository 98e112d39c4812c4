/**
 * The compare view's choices, as pure functions of web/src run in Node: the statistics it offers
 * (error and cost curves of every split, Figs. 11–12, and every scalar) with the metric vocabulary's
 * labels; one run's series of a statistic; when the value axis starts logarithmic; which probe point
 * each run's histogram at a scrubbed update is drawn from (runs not yet there are listed, not
 * dropped); and value-axis tick labels that cannot overlap on a log axis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCALAR_METRICS, type ScalarName, type Split } from '../../../src/core/metrics.ts';
import type { EvaluationSeries, ScalarSeries } from '../../../src/serve/api.ts';
import { valueAxisSize, valueTickLabels, visibleXRange } from '../../../web/src/charts/axis.ts';
import {
  compareStatOptions,
  defaultLogY,
  histogramPicks,
  isCompareStat,
  isNetworkStat,
  statInfo,
  statSeries,
} from '../../../web/src/views/compareData.ts';

test('compare offers the error and cost curves of every split and every scalar, labelled by the vocabulary', () => {
  const options = new Map(compareStatOptions());
  for (const split of ['test', 'validation', 'train']) {
    assert.equal(options.get(`evaluation.${split}.errorRate` as never), `${split} error (%)`);
    assert.equal(options.get(`evaluation.${split}.nll` as never), `${split} cost (nats)`);
  }
  for (const name of Object.keys(SCALAR_METRICS) as ScalarName[]) assert.equal(options.get(name), SCALAR_METRICS[name].label, name);
  // the run view's words, not raw keys
  assert.equal(options.get('activation.std'), 'activations z: std');
  assert.equal(options.get('backprop_grad.p98'), 'back-propagated ∂C/∂s: 98th percentile');
  for (const [value, label] of options) assert.notEqual(label, value, `${value} is labelled`);
  assert.equal(new Set(options.values()).size, options.size, 'no two statistics share a label');
  assert.equal(isCompareStat('evaluation.test.errorRate'), true);
  assert.equal(isCompareStat('evaluation.probe.errorRate'), false);
  assert.equal(isCompareStat('activation/std'), false);
  assert.equal(isNetworkStat('evaluation.validation.nll'), true);
  assert.equal(isNetworkStat('activation.std'), false);
  assert.match(statInfo('evaluation.test.errorRate').definition, /classification error .* \(test split\)/);
});

test('a run\'s series: the split\'s error or cost for an evaluation, the layer\'s scalar otherwise', () => {
  const evaluations: EvaluationSeries[] = (['test', 'validation'] as Split[]).map((split, i) => ({
    split, updates: [0, 100], errorRate: [80 + i, 40 + i], nll: [2.2, 1.1 + i], examples: [10, 10],
  }));
  const scalars = new Map<number, ScalarSeries>([[2, { name: 'activation.std', layer: 2, updates: [0, 100], values: [0.5, 0.4] }]]);
  const run = { evaluations, series: (name: ScalarName) => (name === 'activation.std' ? scalars : new Map<number, ScalarSeries>()) };
  assert.deepEqual(statSeries(run, 'evaluation.validation.errorRate', 2), { updates: [0, 100], values: [81, 41] });
  assert.deepEqual(statSeries(run, 'evaluation.validation.nll', 2).values, [2.2, 2.1]);
  assert.deepEqual(statSeries(run, 'evaluation.train.errorRate', 2), { updates: [], values: [] }, 'a split the run has not evaluated');
  assert.deepEqual(statSeries(run, 'activation.std', 2).values, [0.5, 0.4]);
  assert.deepEqual(statSeries(run, 'activation.std', 3).values, []);
});

test('the value axis starts logarithmic for a gradient statistic spanning decades, as the run view\'s std axis', () => {
  // sigmoid's 1e-11 beside tanh's 0.03 (the fresh user's walk): flat at 0 on a linear axis
  assert.equal(defaultLogY('backprop_grad.std', [[1e-11, 2e-11], [0.03, 0.02]]), true);
  assert.equal(defaultLogY('weight_grad.per_example_var', [[1e-8, null], [1e-5]]), true);
  assert.equal(defaultLogY('theory.backprop_grad.var', [[1e-6], [1e-3]]), true);
  assert.equal(defaultLogY('backprop_grad.std', [[0.01, 0.02], [0.03]]), false, 'within a decade or two: linear');
  assert.equal(defaultLogY('backprop_grad.mean', [[1e-11], [0.03]]), false, 'a mean can be ≤ 0');
  assert.equal(defaultLogY('backprop_grad.std', [[0, 1e-11], [0.03]]), false, 'a value ≤ 0 has no place on a log axis');
  assert.equal(defaultLogY('activation.std', [[1e-11], [0.03]]), false, 'not a gradient statistic');
  assert.equal(defaultLogY('backprop_grad.std', [[NaN, 1e-9], [Infinity, 0.1]]), true, 'non-finite values are left out');
  assert.equal(defaultLogY('backprop_grad.std', [[], []]), false);
});

test('histograms at update U: each run from its nearest stored probe point ≤ U; runs without one are "not yet at U"', () => {
  const runs = [
    { id: 'slow', points: [0, 1, 2, 5, 1000] },
    { id: 'fast', points: [0, 5000, 10000, 20000] },
    { id: 'late', points: [30000, 40000] }, // resumed or started late: nothing ≤ 20000
    { id: 'empty', points: [] },
  ];
  assert.deepEqual(histogramPicks(runs, 20000), {
    picks: [{ id: 'slow', index: 0, at: 1000 }, { id: 'fast', index: 1, at: 20000 }],
    notYet: ['late', 'empty'],
  });
  assert.deepEqual(histogramPicks(runs, 7000).picks.map((p) => p.at), [1000, 5000]);
  assert.deepEqual(histogramPicks([{ id: 'unordered', points: [10, 0, 5] }], 6).picks, [{ id: 'unordered', index: 0, at: 5 }]);
  assert.deepEqual(histogramPicks(runs, -1), { picks: [], notYet: ['slow', 'fast', 'late', 'empty'] });
});

test('a log value axis labels only its decades, and the axis is as wide as its widest label', () => {
  // uPlot's log splits: every 1–9 × 10^k; labelling all of them overlapped ("0. 0.0 1e- 1e-")
  const splits = [1e-11, 2e-11, 5e-11, 1e-10, 2e-10, 1e-9, 3e-9, 1e-8];
  const labels = valueTickLabels(splits, true);
  assert.deepEqual(labels, ['1e-11', '', '', '1e-10', '', '1e-9', '', '1e-8']);
  assert.deepEqual(valueTickLabels([0.02, 0.03, 0.05], true), ['0.02', '0.03', '0.05'], 'fewer than two decades: every tick');
  assert.deepEqual(valueTickLabels([0, 0.5, 1, null], false), ['0', '0.5', '1', '']);
  const size = valueAxisSize(labels);
  assert.ok(size >= 5 * 7 + 20, `a 5-character label fits in ${size} px`);
  assert.ok(valueAxisSize(['1.23e-11']) > valueAxisSize(['0.5']), 'wider labels, wider axis');
  assert.equal(valueAxisSize([]), 48);
});

test('the x range of a histogram overlay is that of the histograms shown', () => {
  const x = [-0.98, -0.03, 0, 0.03, 0.98];
  const output = [1, 2, 3, 4, 0];
  const hidden = [null, 5, 6, 0, null];
  assert.deepEqual(visibleXRange(x, [output, hidden], [true, true]), [-0.98, 0.98]);
  assert.deepEqual(visibleXRange(x, [output, hidden], [false, true]), [-0.03, 0.03], 'the output layer unticked: the hidden layers fill the axis');
  assert.equal(visibleXRange(x, [output, hidden], [false, false]), null);
});
