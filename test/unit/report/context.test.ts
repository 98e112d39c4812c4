import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { lastQuarterDrop, table1Context } from '../../../src/report/context.ts';
import type { ReportDataset } from '../../../src/report/input.ts';
import { selectAll } from '../../../src/report/select.ts';
import { buildTable1 } from '../../../src/report/table1.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { writeSyntheticRun } from './synthetic.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('last-quarter drop: a falling line drops, a plateau does not', () => {
  const line: Array<[number, number]> = [0, 25, 50, 75, 100].map((u) => [u, 80 - 0.2 * u]);
  assert.ok(Math.abs(lastQuarterDrop(line) - 5) < 1e-9, 'fit over updates 75–100: 20 points per 100 → 5');
  assert.ok(Math.abs(lastQuarterDrop([[0, 83], [50, 83], [80, 83], [100, 83]])) < 1e-12);
  assert.ok(Number.isNaN(lastQuarterDrop([[100, 50]])));
});

test('Table 1 context: updates vs the paper (factor), seeds, curves still falling, sigmoid at chance vs the paper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-context-'));
  dirs.push(dir);
  const w = openRunStore(dir);
  // synthetic curves fall linearly from 90 % to the final error: Tanh is still falling, Sigmoid stays at 90
  writeSyntheticRun(w, { id: 'tanh', activation: 'tanh', init: 'standard', dataset: 'fashion-mnist', updates: [0, 100, 1000, 5000, 8000, 9000, 10000], testError: 20 });
  writeSyntheticRun(w, { id: 'sig', activation: 'sigmoid', init: 'standard', dataset: 'fashion-mnist', updates: [0, 100, 1000, 5000, 8000, 9000, 10000], testError: 90, validationError: 90 });
  w.close();
  const store = openRunStore(dir, { readonly: true });
  try {
    const datasets: ReportDataset[] = [
      {
        dataset: 'fashion-mnist',
        status: 'ran',
        configs: [
          { label: 'Tanh', runs: [{ runId: 'tanh', learningRate: 0.1, seed: 1 }] },
          { label: 'Sigmoid', runs: [{ runId: 'sig', learningRate: 0.1, seed: 1 }] },
        ],
      },
    ];
    const selections = selectAll(store, datasets, () => {});
    const text = table1Context(store, selections, buildTable1(selections, ['fashion-mnist'])).join('\n');
    assert.match(text, /at most 10,000 updates against the paper's 2,500,000 \(250× fewer\), with 1 seed per cell/);
    assert.match(text, /Still learning[^\n]*Tanh on Fashion-MNIST/);
    assert.doesNotMatch(text, /Still learning[^\n]*Sigmoid/);
    assert.match(text, /Sigmoid on Fashion-MNIST is at chance \(90\.00 %[^\n]*2\.21 %[^\n]*MNIST \(a different dataset\)/);
  } finally {
    store.close();
  }
});
