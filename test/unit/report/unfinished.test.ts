/**
 * A report never presents an unfinished run as a result (issue 15 item 2): a configuration with a
 * run still training (in another process), interrupted or only created gives no Table 1 value, no
 * curve run, and enters no check — whatever numbers its runs have recorded so far — and says why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { shapesetClassPriors } from '../../../src/data/shapeset/params.ts';
import { buildChecks } from '../../../src/report/checks/index.ts';
import type { ConfigLabel, ReportDataset } from '../../../src/report/input.ts';
import { selectAll } from '../../../src/report/select.ts';
import { buildTable1, formatOurs } from '../../../src/report/table1.ts';
import type { RunStatus } from '../../../src/store/types.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { writeSyntheticRun } from './synthetic.ts';

const ROWS: Array<[ConfigLabel, 'tanh' | 'softsign', 'standard' | 'normalized']> = [
  ['Tanh', 'tanh', 'standard'],
  ['Tanh N', 'tanh', 'normalized'],
  ['Softsign', 'softsign', 'standard'],
];

for (const status of ['running', 'interrupted', 'created'] as const satisfies readonly RunStatus[]) {
  test(`a configuration with one run ${status} shows no result and enters no check; the others are unchanged`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-unfinished-'));
    try {
      const w = openRunStore(dir);
      w.putClassPriors({ dataset: 'shapeset', priors: shapesetClassPriors() });
      const configs: ReportDataset['configs'][number][] = ROWS.map(([label, activation, init]) => {
        const slug = label.toLowerCase().replace(' ', '-');
        const runs = [1, 2].map((seed) => {
          const id = `${slug}-s${seed}`;
          // Tanh's seed 2 has not finished, with the best numbers of all so far (a half-trained or
          // mid-training run can record anything): none of them may appear as a result
          const unfinished = label === 'Tanh' && seed === 2;
          writeSyntheticRun(w, { id, activation, init, seed, validationError: unfinished ? 1 : 20 + seed, testError: unfinished ? 2 : 30 + seed, status: unfinished ? status : 'finished' });
          return { runId: id, learningRate: 0.1, seed };
        });
        return { label, runs };
      });
      w.close();
      const store = openRunStore(dir, { readonly: true });
      try {
        const warnings: string[] = [];
        const selections = selectAll(store, [{ dataset: 'shapeset', status: 'ran', configs }], (m) => warnings.push(m));
        const tanh = selections.find((s) => s.label === 'Tanh')!;
        assert.deepEqual([tanh.selected, tanh.curveRun, tanh.unfinished], [null, null, 1]);
        assert.deepEqual(warnings, [
          `shapeset / Tanh: 1 of 2 runs have not finished (tanh-s2 (${status} at update 1000)): no result is shown for this configuration`,
        ]);
        const table = buildTable1(selections, ['shapeset']);
        const cell = (label: ConfigLabel) => table.cells.find((c) => c.label === label)!;
        assert.deepEqual([cell('Tanh').ran, cell('Tanh').mean, cell('Tanh').errors], [false, null, []]);
        assert.equal(formatOurs(cell('Tanh')), 'no result: 1 run unfinished');
        assert.equal(cell('Tanh').significance.note, 'unfinished');
        // the finished configurations are reported as before
        assert.equal(formatOurs(cell('Tanh N')), '31.50 ± 0.71 (n=2)');
        assert.equal(cell('Softsign').mean, 31.5);
        const checks = buildChecks(store, selections, table, 'shapeset');
        const unfinishedIds = new Set(['tanh-s1', 'tanh-s2']);
        for (const c of checks.checks) assert.ok(!c.runs.some((id) => unfinishedIds.has(id)), `check ${c.id} uses ${c.runs.join(', ')}`);
        // the check comparing Tanh N with Tanh cannot be decided without Tanh
        const versus = checks.checks.find((c) => c.id === 'phenomenon.tanhn-beats-tanh.shapeset')!;
        assert.deepEqual([versus.verdict, versus.runs], ['not-run', []]);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
