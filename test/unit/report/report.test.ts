import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import type { ConfigLabel, ReportInput } from '../../../src/report/input.ts';
import { writeReport } from '../../../src/report/index.ts';
import { storeReportArtifacts } from '../../../src/run/artifacts.ts';
import { pngInfo } from '../../../src/report/render.ts';
import type { ReportSummary } from '../../../src/report/summary.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { train } from '../../../src/run/train.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { writeSyntheticRun } from './synthetic.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every file the report promises, with PNGs that are real PNGs. */
function assertReportFiles(outDir: string, s: ReportSummary): void {
  const report = join(outDir, 'report');
  assert.deepEqual(
    s.figures.map((f) => f.number),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  for (const f of s.figures) {
    const svg = readFileSync(join(report, f.svg), 'utf8');
    assert.ok(svg.startsWith('<svg'), `${f.svg} is an SVG`);
    const png = readFileSync(join(report, f.png));
    const info = pngInfo(png);
    assert.ok(info && info.width > 200 && info.height > 100, `${f.png} is a real PNG (${JSON.stringify(info)})`);
  }
  const html = readFileSync(join(report, 'index.html'), 'utf8');
  assert.ok(!/(src|href)="https?:/.test(html), 'no external fetch from index.html');
  assert.ok(!html.includes('<script'), 'no script');
  for (const f of s.figures) assert.ok(html.includes(`src="${f.png}"`), `index.html shows ${f.png}`);
  assert.ok(html.includes('href="../glorot.sqlite"'), 'links the run record');
  const md = readFileSync(join(report, 'README.md'), 'utf8');
  for (const f of s.figures) assert.ok(md.includes(`](${f.png})`), `README.md links ${f.png}`);
  const json = readFileSync(join(outDir, 'summary.json'), 'utf8');
  // JSON.parse rejects a bare NaN/Infinity: absent numbers must have been written as null
  assert.equal((JSON.parse(json) as ReportSummary).figures.length, 12, 'summary.json parses and lists 12 figures');
  assert.ok(existsSync(join(report, 'input.json')), 'input.json written');
}

test('writeReport on a synthetic record: every figure, both documents, summary.json; diverged runs and missing data do not stop it', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'glorot-report-syn-'));
  dirs.push(outDir);
  const w = openRunStore(outDir);
  writeSyntheticRun(w, { id: 'tanh-1', activation: 'tanh', init: 'standard', testError: 30 });
  writeSyntheticRun(w, { id: 'tanh-2', activation: 'tanh', init: 'standard', seed: 2, testError: 34 });
  writeSyntheticRun(w, { id: 'tanhn-1', activation: 'tanh', init: 'normalized', testError: 20 });
  writeSyntheticRun(w, { id: 'tanhn-2', activation: 'tanh', init: 'normalized', seed: 2, testError: 22 });
  // a diverged run whose last probe point recorded NaN statistics
  writeSyntheticRun(w, { id: 'sig-1', activation: 'sigmoid', init: 'standard', status: 'diverged', scalar: (_n, _k, u) => (u === 1000 ? NaN : undefined) });
  writeSyntheticRun(w, { id: 'fm-1', activation: 'tanh', init: 'normalized', dataset: 'fashion-mnist', testError: 12 });
  w.close();
  const input: ReportInput = {
    outDir,
    scale: 'smoke',
    scaleNote: 'synthetic records',
    datasets: [
      {
        dataset: 'shapeset',
        status: 'ran',
        configs: [
          { label: 'Tanh', runs: [{ runId: 'tanh-1', learningRate: 0.1, seed: 1 }, { runId: 'tanh-2', learningRate: 0.1, seed: 2 }] },
          { label: 'Tanh N', runs: [{ runId: 'tanhn-1', learningRate: 0.1, seed: 1 }, { runId: 'tanhn-2', learningRate: 0.1, seed: 2 }] },
          { label: 'Sigmoid', runs: [{ runId: 'sig-1', learningRate: 0.1, seed: 1 }] },
        ],
      },
      // no files on purpose: Fig. 1 must note it, not fail
      { dataset: 'fashion-mnist', status: 'ran', configs: [{ label: 'Tanh N', runs: [{ runId: 'fm-1', learningRate: 0.1, seed: 1 }] }] },
      { dataset: 'cifar10', status: 'missing', message: 'download cifar-10-binary.tar.gz and pass --data-dir', configs: [] },
    ],
  };
  const s = await writeReport(input);
  assertReportFiles(outDir, s);
  const tanhN = s.table1.cells.find((c) => c.dataset === 'shapeset' && c.label === 'Tanh N')!;
  assert.equal(tanhN.mean, 21);
  assert.ok(Math.abs(tanhN.std! - Math.SQRT2) < 1e-12);
  const sig = s.table1.cells.find((c) => c.dataset === 'shapeset' && c.label === 'Sigmoid')!;
  assert.equal(sig.mean, 100, 'a diverged run counts as 100 %');
  assert.equal(sig.diverged, 1);
  assert.deepEqual(s.table1.columns.map((c) => c.title), ['Shapeset-3×2', 'Fashion-MNIST']);
  assert.deepEqual(s.missingDatasets, [{ dataset: 'cifar10', message: 'download cifar-10-binary.tar.gz and pass --data-dir' }]);
  assert.equal(s.figures.find((f) => f.number === 2)!.status, 'ok', 'the diverged sigmoid run is still drawn');
  assert.equal(s.figures.find((f) => f.number === 3)!.status, 'partial', 'no softsign run: half of Fig. 3 says so');
  const html = readFileSync(join(outDir, 'report', 'index.html'), 'utf8');
  assert.ok(html.includes('download cifar-10-binary.tar.gz'));
  assert.ok(html.includes('Fashion-MNIST'));
  assert.ok(s.runs.some((r) => r.runId === 'sig-1' && r.status === 'diverged' && r.testError === 100));
});

test('writeReport on tiny real runs (reference backend): real numbers everywhere data exists', async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'glorot-report-real-'));
  dirs.push(outDir);
  const backend = createReferenceBackend();
  const labels: Array<[ConfigLabel, 'tanh' | 'sigmoid' | 'softsign', 'standard' | 'normalized']> = [
    ['Tanh', 'tanh', 'standard'],
    ['Tanh N', 'tanh', 'normalized'],
    ['Sigmoid', 'sigmoid', 'standard'],
    ['Softsign', 'softsign', 'standard'],
  ];
  const configs: ReportInput['datasets'][number]['configs'][number][] = [];
  for (const [label, activation, init] of labels) {
    const config = parseTrainConfig(
      {
        dataset: 'shapeset',
        validationSize: 100,
        testSize: 100,
        hidden: [16, 16, 16],
        activation,
        init,
        learningRate: 0.1,
        updates: 120,
        seed: 1,
        checkpointInterval: 1000,
        probe: { interval: 60, size: 50, bins: 30, jacobianExamples: 2 },
      },
      'test',
    );
    const id = `${activation}-${init}`;
    await train({ outDir, backend, config, runId: id });
    configs.push({ label, runs: [{ runId: id, learningRate: 0.1, seed: 1 }] });
  }
  backend.dispose();
  // what the reproduce job stores beside its runs (Figs. 1 and 5, Shapeset's chance level)
  assert.deepEqual(await storeReportArtifacts(outDir, [{ dataset: 'shapeset' }]), []);
  const s = await writeReport({ outDir, scale: 'smoke', scaleNote: '3 × 16 hidden, 120 updates', datasets: [{ dataset: 'shapeset', status: 'ran', configs }] });
  assertReportFiles(outDir, s);
  for (const c of s.table1.cells.filter((x) => x.ran)) {
    assert.ok(Number.isFinite(c.mean) && c.mean! >= 0 && c.mean! <= 100, `${c.label}: ${c.mean}`);
    assert.equal(c.learningRate, 0.1);
  }
  const jac = s.checks.find((c) => c.id === 'jacobian.standard')!;
  assert.ok(jac.ours !== null && jac.ours > 0.2 && jac.ours < 0.8, `Jacobian of a 16-wide standard tanh net ≈ 0.5, got ${jac.ours}`);
  assert.ok(s.checks.every((c) => c.verdict !== 'not-run' || /no (Softsign N|Sigmoid d4)|Softsign N/.test(c.detail + c.title)), 'only the configurations not run are "not run"');
  assert.ok(s.varianceTables.length >= 2 && s.varianceTables.every((t) => t.rows.every((r) => Number.isFinite(r.ratio))));
  // every figure is drawn from the record: Figs. 1 and 5 from the artifacts, 6–8 from the update-0
  // histograms (7–8 from the per-layer-range ones, not the shared-range fallback)
  for (const n of [1, 5, 6, 7, 8]) {
    const f = s.figures.find((x) => x.number === n)!;
    assert.equal(f.status, 'ok', `Fig. ${n}`);
    assert.ok(!f.notes.some((x) => /predates|not in the run record/.test(x)), `Fig. ${n}: ${f.notes.join('; ')}`);
  }
  assert.equal(s.checks.find((c) => c.id === 'chance.level')!.verdict, 'pass');
  assert.deepEqual(s.warnings, []);
});
