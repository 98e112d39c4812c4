import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVALUATION_METRICS,
  evaluationLabel,
  HISTOGRAM_METRICS,
  HISTOGRAM_TENSORS,
  isHistogramTensor,
  isScalarName,
  PERCENTILES,
  SCALAR_METRICS,
  TENSOR_LABELS,
  type ScalarName,
} from '../../../src/core/metrics.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { jsSingularValues } from '../../../src/probes/jacobian.ts';
import { probeNetwork } from '../../../src/probes/probe.ts';
import { mulberry32 } from '../../helpers/random.ts';

test('every name of the vocabulary has a definition, a unit and a source in the one spelling', () => {
  const entries = [...Object.entries(SCALAR_METRICS), ...Object.entries(HISTOGRAM_METRICS)];
  assert.ok(entries.length > 40);
  for (const [name, info] of entries) {
    assert.match(name, /^[a-z0-9_.]+$/, name);
    assert.ok(info.definition.length > 20 && info.unit.length > 0 && info.source.length > 0, name);
    // references are spelled `eq. (16)`, `Fig. 6`, `SPEC.md §5`, never another way (docs/PAPER.md)
    assert.doesNotMatch(info.source, /Eq\.|eqn|equation|\bfig\.|eq\. \d/, `${name}: ${info.source}`);
    assert.match(info.source, /eqs?\. \(\d+\)|Figs?\. \d+|SPEC\.md §\d/, `${name}: ${info.source}`);
  }
  assert.deepEqual(Object.keys(HISTOGRAM_METRICS).sort(), [...HISTOGRAM_TENSORS].sort());
  for (const q of PERCENTILES) assert.ok(isScalarName(`activation.p${q}`), `p${q}`);
  assert.equal(isScalarName('activation/mean'), false);
  assert.equal(isScalarName('toString'), false, 'no inherited property counts as a name');
  assert.equal(isHistogramTensor('activation'), true);
  assert.equal(isHistogramTensor('backprop_grad.p98'), false);
});

test('the probe writes names of the vocabulary only, and every name but the non-finite counts', () => {
  const be = createReferenceBackend();
  const r = mulberry32(5);
  const mlp = new Mlp(be, { widths: [6, 5, 5, 3], activation: 'tanh', init: { name: 'standard' }, seed: 2 });
  const x = Float32Array.from({ length: 6 * 8 }, () => r());
  const res = probeNetwork(mlp, x, Int32Array.from({ length: 8 }, (_, i) => i % 3), 8, { bins: 5, jacobianExamples: 2, singularValues: jsSingularValues, theory: true });
  const written = new Set(res.scalars.map((s) => s.name));
  for (const name of written) assert.ok(isScalarName(name), name);
  for (const h of res.histograms) assert.ok(isHistogramTensor(h.tensor), h.tensor);
  const never = (Object.keys(SCALAR_METRICS) as ScalarName[]).filter((n) => !written.has(n));
  assert.deepEqual(never.sort(), ['activation.nonfinite', 'backprop_grad.nonfinite', 'weight_grad.nonfinite'], 'written only when a value is not finite');
  assert.deepEqual(new Set(res.histograms.map((h) => h.tensor)), new Set(HISTOGRAM_TENSORS));
  be.dispose();
});

test('every name has a short label, the one every view shows (no second label table in the dashboard)', () => {
  const entries = [...Object.entries(SCALAR_METRICS), ...Object.entries(HISTOGRAM_METRICS), ...Object.entries(EVALUATION_METRICS)];
  for (const [name, info] of entries) {
    assert.ok(info.label.length > 2 && info.label.length <= 60, `${name}: ${info.label}`);
    assert.notEqual(info.label, name, `${name} is labelled in words`);
  }
  assert.equal(new Set(Object.values(SCALAR_METRICS).map((i) => i.label)).size, Object.keys(SCALAR_METRICS).length, 'scalar labels are distinct');
  assert.equal(SCALAR_METRICS['backprop_grad.std'].label, `${TENSOR_LABELS.backprop_grad}: std`);
  assert.equal(evaluationLabel('validation', 'errorRate'), 'validation error (%)');
});
