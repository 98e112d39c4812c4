import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFig10 } from '../../src/report/figures/activations.ts';
import { buildFig1 } from '../../src/report/figures/fig01.ts';
import type { RunOutcome } from '../../src/report/select.ts';
import { coincideNote, coincidingCurves } from '../../src/report/figures/curves.ts';
import type { ConfigLabel } from '../../src/report/input.ts';
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

test('Fig. 1 lists the datasets it shows, never a training run as its source', async () => {
  const run = { runId: 'fashion-mnist-sigmoid-lr0.03-s1', run: { config: { dataDir: join(tmpdir(), 'glorot-no-such-dir') } } } as unknown as RunOutcome;
  const f = await buildFig1([{ dataset: 'fashion-mnist', run }]);
  assert.deepEqual(f.runs, []);
  assert.match(f.caption, /Data shown: Shapeset-3×2 \(generated\), Fashion-MNIST \(test set\)/);
});
