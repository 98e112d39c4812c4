import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigLabel } from '../../../src/report/input.ts';
import { datasetTitle, PAPER_TABLE1, paperColumnFor } from '../../../src/report/paper.ts';
import type { LrCandidate, RunOutcome, Selection } from '../../../src/report/select.ts';
import { mean, sampleStd, studentTTwoSidedP, welchTTest } from '../../../src/report/stats.ts';
import { buildTable1, formatOurs, inTopGroup } from '../../../src/report/table1.ts';

/** A selection whose selected learning rate has runs with these test errors (status per error: 'd' = diverged). */
function sel(dataset: string, label: ConfigLabel, errors: number[], lr = 0.1, diverged: number[] = []): Selection {
  const runs = errors.map((e, i): RunOutcome => {
    const d = diverged.includes(i);
    return {
      runId: `${dataset}-${label}-${i}`,
      seed: i + 1,
      learningRate: lr,
      status: d ? 'diverged' : 'finished',
      statusDetail: null,
      validationError: d ? 100 : e,
      testError: d ? 100 : e,
      countedAsFailure: d,
      unfinished: false,
      lastUpdate: 100,
      shape: { dataset, hidden: [8], activation: 'tanh', init: 'standard', minibatch: 10, updates: 100, learningRate: lr, probeSize: 10 },
      backend: 'reference',
      run: {} as RunOutcome['run'],
    };
  });
  const c: LrCandidate = { learningRate: lr, runs, meanValidationError: mean(runs.map((r) => r.validationError)) };
  return { dataset, label, candidates: [c], selected: c, curveRun: runs[0] ?? null, unfinished: 0 };
}

test('mean and sample std (n − 1): [14, 16, 18] → 16 ± 2', () => {
  assert.equal(mean([14, 16, 18]), 16);
  assert.equal(sampleStd([14, 16, 18]), 2);
  assert.ok(Number.isNaN(sampleStd([3])));
});

test("Student t two-sided p and Welch's test match scipy", () => {
  // scipy: 2*stats.t.sf(2, 10) = 0.07338803477074037; 2*stats.t.sf(3.5, 4.3) = 0.022127097432049728
  assert.ok(Math.abs(studentTTwoSidedP(2, 10) - 0.07338803477074037) < 1e-10);
  assert.ok(Math.abs(studentTTwoSidedP(3.5, 4.3) - 0.022127097432049728) < 1e-10);
  // scipy.stats.ttest_ind([1,2,3,4],[3,4,5,6.5], equal_var=False): t=-2.1532216876958206, p=0.07572247714213783, df=5.877472127290045
  const w = welchTTest([1, 2, 3, 4], [3, 4, 5, 6.5])!;
  assert.ok(Math.abs(w.t + 2.1532216876958206) < 1e-12);
  assert.ok(Math.abs(w.df - 5.877472127290045) < 1e-9);
  assert.ok(Math.abs(w.p - 0.07572247714213783) < 1e-9);
  assert.equal(welchTTest([1], [2, 3]), null, 'one seed: not testable');
  assert.equal(welchTTest([1, 1], [2, 2]), null, 'zero variance in both: not testable');
});

test('Table 1 cells: mean ± std over seeds, min–max, the selected LR, the paper value beside', () => {
  const t = buildTable1([sel('shapeset', 'Tanh N', [14, 16, 18], 0.03), sel('shapeset', 'Tanh', [30, 26, 28])], ['shapeset']);
  const c = t.cells.find((x) => x.label === 'Tanh N')!;
  assert.equal(c.mean, 16);
  assert.equal(c.std, 2);
  assert.equal(c.min, 14);
  assert.equal(c.max, 18);
  assert.equal(c.learningRate, 0.03);
  assert.deepEqual(c.seeds, [1, 2, 3]);
  assert.equal(c.paper, 15.6);
  assert.equal(t.cells.find((x) => x.label === 'Tanh')!.paper, 27.15);
  assert.equal(formatOurs(c), '16.00 ± 2.00 (n=3)');
  assert.deepEqual(t.rows, ['Softsign', 'Softsign N', 'Tanh', 'Tanh N', 'Sigmoid']);
  const notRun = t.cells.find((x) => x.label === 'Softsign')!;
  assert.equal(notRun.ran, false);
  assert.equal(notRun.paper, 16.27, 'the paper value is shown even when we did not run the row');
  assert.equal(formatOurs(notRun), 'not run');
});

test('significance: Welch vs the column best at p = 0.005; 1 seed → not testable', () => {
  const t = buildTable1(
    [sel('shapeset', 'Tanh N', [15, 16, 17]), sel('shapeset', 'Softsign N', [15.5, 16.5, 17.5]), sel('shapeset', 'Tanh', [40, 41, 42]), sel('shapeset', 'Sigmoid', [83])],
    ['shapeset'],
  );
  const get = (l: ConfigLabel) => t.cells.find((x) => x.label === l)!;
  assert.equal(get('Tanh N').significance.best, true);
  assert.equal(get('Softsign N').significance.significantlyWorse, false);
  assert.ok(inTopGroup(get('Softsign N')));
  assert.equal(get('Tanh').significance.significantlyWorse, true);
  assert.ok(get('Tanh').significance.p! < 0.005);
  assert.equal(inTopGroup(get('Tanh')), false);
  assert.equal(get('Sigmoid').significance.p, null);
  assert.match(get('Sigmoid').significance.note, /not testable.*1 seed/);
  assert.match(t.test, /Welch/);
});

test('a diverged seed counts as 100 % in the cell and is flagged', () => {
  const t = buildTable1([sel('shapeset', 'Tanh', [20, 30], 0.3, [1])], ['shapeset']);
  const c = t.cells.find((x) => x.label === 'Tanh')!;
  assert.deepEqual(c.errors, [20, 100]);
  assert.equal(c.mean, 60);
  assert.equal(c.diverged, 1);
  assert.match(formatOurs(c), /1 diverged/);
});

test('Fashion-MNIST is labelled Fashion-MNIST; the paper MNIST column is a marked reference, never "MNIST" for it', () => {
  assert.equal(datasetTitle('fashion-mnist'), 'Fashion-MNIST');
  assert.deepEqual(paperColumnFor('fashion-mnist'), { column: 'MNIST', relation: 'reference' });
  const t = buildTable1([sel('fashion-mnist', 'Tanh N', [11, 12])], ['fashion-mnist']);
  const col = t.columns[0]!;
  assert.equal(col.title, 'Fashion-MNIST');
  assert.equal(col.paperRelation, 'reference');
  assert.match(col.paperHeader, /^paper \(MNIST\) — a different dataset/);
  const c = t.cells.find((x) => x.label === 'Tanh N')!;
  assert.equal(c.paper, 1.64);
  assert.equal(c.paperRelation, 'reference');
  assert.deepEqual(paperColumnFor('mnist'), { column: 'MNIST', relation: 'same' });
  assert.equal(paperColumnFor('my-faces'), null);
});

test("the paper's Table 1 is transcribed (SPEC.md §6)", () => {
  assert.deepEqual(PAPER_TABLE1.Sigmoid, { Shapeset: 82.61, MNIST: 2.21, 'CIFAR-10': 57.28, 'Small-ImageNet': 70.66 });
  assert.equal(PAPER_TABLE1['Softsign N']['CIFAR-10'], 53.8);
});
