/**
 * A training step allocates nothing on the JavaScript heap once warm (issue 6: "no allocation per
 * step in steady state"), on every backend and for both costs. V8 boxes a float64 that is returned
 * through a call, or computed per call and passed on, into a new 16-byte heap number; such boxes
 * are invisible in the code and were the residual allocation of earlier versions (the loss
 * returned by the softmax and by trainStep; a `return NaN` in the softmax row loop). This test
 * catches that whole kind: 20,000 warm steps may grow the heap by less than a byte per step.
 *
 * Each combination runs in its own process (test/helpers/allocation-child.ts), as every training
 * run does in the product. Not a timing test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableBackends } from '../../helpers/backends.ts';

// The reference backend is excluded: it is the readable float64 oracle, not a training backend
// (its per-element activate() returns a boxed double; ≈ 200 B per step of this small net).
for (const { name } of (await availableBackends(1)).filter((b) => b.name !== 'reference')) {
  for (const [cost, via] of [['nll', 'trainStep'], ['quadratic', 'trainStep'], ['nll', 'sgd']] as const) {
    test(`${name}, ${cost}: a warm training step allocates nothing (${via === 'sgd' ? 'Sgd.step' : 'trainStep'} + lastLoss)`, () => {
      const args = ['--import', 'tsx', 'test/helpers/allocation-child.ts', name, cost, via];
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const m = JSON.parse(r.stdout) as { bytesPerStep: number; gcs: number; finite: boolean };
      assert.ok(m.finite, 'the loss is read every step');
      assert.equal(m.gcs, 0, 'no GC during the measured steps');
      assert.ok(m.bytesPerStep >= 0 && m.bytesPerStep < 1, `${m.bytesPerStep.toFixed(2)} bytes allocated per step (expected 0)`);
    });
  }
}

test('the Shapeset training stream allocates nothing per minibatch once warm', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/allocation-child.ts', 'shapeset-stream'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { bytesPerStep: number; gcs: number; finite: boolean };
  assert.equal(m.gcs, 0, 'no GC during the measured minibatches');
  assert.ok(m.bytesPerStep >= 0 && m.bytesPerStep < 1, `${m.bytesPerStep.toFixed(2)} bytes allocated per minibatch of 10 (expected 0)`);
});
