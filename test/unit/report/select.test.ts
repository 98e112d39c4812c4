import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ReportDataset } from '../../../src/report/input.ts';
import { chooseLearningRate, groupByLearningRate, selectAll } from '../../../src/report/select.ts';
import { openRunStore, type RunStore } from '../../../src/store/runStore.ts';
import { writeSyntheticRun } from './synthetic.ts';

let dir: string;
let store: RunStore;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'glorot-select-'));
  const w = openRunStore(dir);
  // Tanh: lr 0.01 → validation 20, 30 (mean 25); lr 0.1 → 10, 50 (mean 30); lr 1 → diverged + 5 (mean 52.5)
  const runs: Array<[string, number, number, number, 'finished' | 'diverged']> = [
    ['t-a1', 0.01, 1, 20, 'finished'],
    ['t-a2', 0.01, 2, 30, 'finished'],
    ['t-b1', 0.1, 1, 10, 'finished'],
    ['t-b2', 0.1, 2, 50, 'finished'],
    ['t-c1', 1, 1, 5, 'diverged'],
    ['t-c2', 1, 2, 5, 'finished'],
    // Tanh N: a tie between 0.03 and 0.3 → the smaller rate
    ['n-a3', 0.03, 3, 12, 'finished'],
    ['n-a1', 0.03, 1, 12, 'finished'],
    ['n-b1', 0.3, 1, 12, 'finished'],
  ];
  for (const [id, lr, seed, val, status] of runs) {
    writeSyntheticRun(w, { id, activation: 'tanh', init: id.startsWith('n') ? 'normalized' : 'standard', learningRate: lr, seed, validationError: val, testError: val + 1, status });
  }
  // a run whose stored config contradicts its label
  writeSyntheticRun(w, { id: 'wrong', activation: 'sigmoid', init: 'standard' });
  w.close();
  store = openRunStore(dir, { readonly: true });
});

after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const datasets: ReportDataset[] = [
  {
    dataset: 'shapeset',
    status: 'ran',
    configs: [
      {
        label: 'Tanh',
        runs: [
          { runId: 't-a1', learningRate: 0.01, seed: 1 },
          { runId: 't-a2', learningRate: 0.01, seed: 2 },
          { runId: 't-b1', learningRate: 0.1, seed: 1 },
          { runId: 't-b2', learningRate: 0.1, seed: 2 },
          { runId: 't-c1', learningRate: 1, seed: 1 },
          { runId: 't-c2', learningRate: 1, seed: 2 },
          { runId: 'not-there', learningRate: 1, seed: 3 },
        ],
      },
      {
        label: 'Tanh N',
        runs: [
          { runId: 'n-a3', learningRate: 0.03, seed: 3 },
          { runId: 'n-a1', learningRate: 0.03, seed: 1 },
          { runId: 'n-b1', learningRate: 0.3, seed: 1 },
        ],
      },
      { label: 'Softsign', runs: [{ runId: 'wrong', learningRate: 0.1, seed: 1 }] },
    ],
  },
  { dataset: 'mnist', status: 'missing', message: 'no files', configs: [] },
];

test('learning rate: the lowest MEAN final validation error over seeds wins (not the best single seed)', () => {
  const warnings: string[] = [];
  const sel = selectAll(store, datasets, (m) => warnings.push(m));
  const tanh = sel.find((s) => s.label === 'Tanh')!;
  assert.deepEqual(
    tanh.candidates.map((c) => [c.learningRate, c.meanValidationError]),
    [
      [0.01, 25],
      [0.1, 30],
      [1, 52.5],
    ],
  );
  assert.equal(tanh.selected?.learningRate, 0.01);
  assert.equal(tanh.curveRun?.runId, 't-a1', 'curves use the lowest seed at the selected rate');
});

test('a diverged run counts as 100 % validation and test error', () => {
  const sel = selectAll(store, datasets, () => {});
  const c = sel.find((s) => s.label === 'Tanh')!.candidates.find((x) => x.learningRate === 1)!;
  const diverged = c.runs.find((r) => r.runId === 't-c1')!;
  assert.equal(diverged.status, 'diverged');
  assert.equal(diverged.validationError, 100);
  assert.equal(diverged.testError, 100);
  assert.equal(diverged.countedAsFailure, true);
});

test('ties go to the smaller learning rate; runs sorted by seed', () => {
  const sel = selectAll(store, datasets, () => {});
  const n = sel.find((s) => s.label === 'Tanh N')!;
  assert.equal(n.selected?.learningRate, 0.03);
  assert.deepEqual(n.selected?.runs.map((r) => r.seed), [1, 3]);
  assert.equal(n.curveRun?.runId, 'n-a1');
});

test('a run absent from the record is left out with a warning; a label contradicting the stored config warns', () => {
  const warnings: string[] = [];
  const sel = selectAll(store, datasets, (m) => warnings.push(m));
  assert.ok(warnings.some((w) => w.includes('not-there') && w.includes('not in the run record')));
  assert.ok(warnings.some((w) => w.includes('wrong') && w.includes('activation sigmoid')));
  assert.equal(sel.find((s) => s.label === 'Tanh')!.candidates.flatMap((c) => c.runs).length, 6);
  assert.equal(sel.filter((s) => s.dataset === 'mnist').length, 0, 'missing datasets select nothing');
});

test('chooseLearningRate on plain candidates: empty → null', () => {
  assert.equal(chooseLearningRate([]), null);
  assert.deepEqual(groupByLearningRate([]), []);
});
