/**
 * Unbounded work from small input, the estimate kind (issue 15 item 5): the duration estimate of a
 * job builds no network beyond a fixed size, and a dry run builds none of its runs' networks, so a
 * variant of depth 10⁶ (or width 10⁹) is estimated from its shape in bounded time and memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../../src/kernels/backend.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import { parseExperiment, planRuns, type PlannedRun } from '../../../src/config/experiment.ts';
import { estimateWith, TIMED_FLOATS, timedAsItIs } from '../../../src/run/estimate.ts';

/** A backend that counts what is allocated through it: the largest buffer and the most held at once. */
function counting(inner: Backend): { backend: Backend; largest: () => number; peak: () => number } {
  let held = 0;
  let peak = 0;
  let largest = 0;
  const backend = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'alloc') {
        return (n: number) => {
          largest = Math.max(largest, n);
          held += n;
          peak = Math.max(peak, held);
          return target.alloc(n);
        };
      }
      if (key === 'free') {
        return (b: Float32Array) => {
          held -= b.length;
          target.free(b);
        };
      }
      const v: unknown = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { backend, largest: () => largest, peak: () => peak };
}

function plan(variants: Array<{ depth?: number }>, hidden: number[]): PlannedRun[] {
  return planRuns(
    parseExperiment(
      {
        name: 'est',
        base: { hidden, updates: 1000, probe: { interval: 1000 } },
        variants: variants.map((v, i) => ({ label: `v${i}`, activation: 'tanh', init: 'standard', ...v })),
        learningRates: [0.1],
      },
      'est',
    ),
  );
}

const shape = (): { inputSize: number; classes: number; evalExamples: number } => ({ inputSize: 64, classes: 10, evalExamples: 100 });
const options = { jobs: 1, outDir: '/nonexistent-glorot-estimate' };

test('a dry run estimates from shapes: a variant of depth 2·10⁵ allocates no more than the fixed cost-model networks', async () => {
  const inner = await createBackend({ name: 'auto' });
  try {
    const deep = plan([{ depth: 200_000 }], [16]);
    const small = plan([{ depth: 2 }], [16]);
    const c = counting(inner);
    const seconds = estimateWith(c.backend, deep, shape, { ...options, shapesOnly: true });
    // the cost-model networks are what is measured: the same allocations as for a small variant
    const s = counting(inner);
    estimateWith(s.backend, small, shape, { ...options, shapesOnly: true });
    assert.equal(c.peak(), s.peak(), 'the peak allocation does not depend on the variant');
    assert.ok(c.peak() < 4_000_000, `peak ${c.peak()} floats`);
    // and the estimate scales with the shape: 2·10⁵ layers cost far more than 2
    const smallSeconds = estimateWith(inner, small, shape, { ...options, shapesOnly: true });
    assert.ok(seconds > 1000 * (smallSeconds - 3), `depth 2·10⁵: ${seconds} s, depth 2: ${smallSeconds} s`);
  } finally {
    inner.dispose();
  }
});

test('a real estimate times a network as it is only within the bounds; a bigger one is estimated from its shape', async () => {
  assert.equal(timedAsItIs([64, 16, 16, 10], 10), true);
  assert.equal(timedAsItIs([64, ...Array<number>(65).fill(16), 10], 10), false, 'deeper than TIMED_LAYERS');
  assert.equal(timedAsItIs([64, 5000, 5000, 10], 10), false, `more than ${TIMED_FLOATS} floats`);
  const inner = await createBackend({ name: 'auto' });
  try {
    const c = counting(inner);
    estimateWith(c.backend, plan([{ depth: 3 }, { depth: 100_000 }], [16]).concat(plan([{}], [4096, 4096])), shape, options);
    // the depth-3 network is timed as it is; the 10⁵-layer one and the 4096-wide one (33.6 M weights) are modelled
    assert.ok(c.largest() < 4096 * 4096, `largest buffer ${c.largest()} floats`);
    assert.ok(c.peak() < TIMED_FLOATS, `peak ${c.peak()} floats`);
  } finally {
    inner.dispose();
  }
});
