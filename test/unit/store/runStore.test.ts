import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openRunStore, RunStoreError, SCHEMA_VERSION, type RunStore } from '../../../src/store/index.ts';
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import { assertIndexedPlans, histogramRecord, LAYERS, NAMES, SCALARS_PER_POINT, syntheticPoint, tempDir, TENSORS } from '../../helpers/store.ts';

const CONFIG = { activation: 'tanh', init: 'normalized', depth: 5, learningRate: 0.01 };

function withStore(f: (store: RunStore, dir: string) => void): void {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    f(store, dir);
  } finally {
    store.close();
    cleanup();
  }
}

function code(c: string): (e: unknown) => boolean {
  return (e) => e instanceof RunStoreError && e.code === c;
}

test('createRun: generated slug ids, uniqueness, stored fields and versions', () => {
  withStore((store) => {
    const a = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 2, versions: { openblas: '0.3.21' } });
    assert.equal(a.id, 'tanh-normalized-d5-s1');
    assert.deepEqual(a.config, CONFIG);
    assert.equal(a.seed, 1);
    assert.equal(a.backend, 'wasm');
    assert.equal(a.threads, 2);
    assert.equal(a.status, 'created');
    assert.equal(a.statusDetail, null);
    assert.equal(a.lastUpdate, null);
    assert.equal(a.versions['openblas'], '0.3.21');
    assert.equal(a.versions['node'], process.versions.node);
    assert.match(a.versions['sqlite']!, /^3\.\d+\.\d+$/);
    assert.match(a.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const b = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    assert.equal(b.id, 'tanh-normalized-d5-s1-2');
    const c = store.createRun({ config: { dataset: 'Shapeset 3x2', activation: 'softsign', widths: [1000, 1000] }, seed: 7, backend: 'native', threads: 1 });
    assert.equal(c.id, 'shapeset-3x2-softsign-d2-s7');
    // the trainer's config lists hidden widths
    const e = store.createRun({ config: { dataset: 'mnist', activation: 'sigmoid', init: 'standard', hidden: [500, 500, 500, 500] }, seed: 3, backend: 'native', threads: 1 });
    assert.equal(e.id, 'mnist-sigmoid-standard-d4-s3');
    const d = store.createRun({ id: 'my-run', config: {}, seed: 0, backend: 'reference', threads: 1 });
    assert.equal(d.id, 'my-run');
    assert.deepEqual(
      store.listRuns().map((r) => r.id),
      ['tanh-normalized-d5-s1', 'tanh-normalized-d5-s1-2', 'shapeset-3x2-softsign-d2-s7', 'mnist-sigmoid-standard-d4-s3', 'my-run'],
    );
    assert.throws(() => store.createRun({ id: 'my-run', config: {}, seed: 0, backend: 'x', threads: 1 }), (e: unknown) => {
      return code('DUPLICATE_RUN')(e) && /run id "my-run" already exists/.test((e as Error).message);
    });
    assert.throws(() => store.createRun({ id: 'Bad Id', config: {}, seed: 0, backend: 'x', threads: 1 }), /invalid run id "Bad Id": use 1 to 64 lower-case/);
    assert.throws(() => store.createRun({ config: [] as unknown as object, seed: 0, backend: 'x', threads: 1 }), /run config must be a plain object, found an array/);
    assert.throws(() => store.createRun({ config: { n: 1n } as object, seed: 0, backend: 'x', threads: 1 }), /not JSON-serialisable/);
    assert.throws(() => store.createRun({ config: {}, seed: 0, backend: 'x', threads: 0 }), /threads must be an integer ≥ 1, found 0/);
  });
});

test('unknown run ids give an error listing the runs that exist', () => {
  withStore((store) => {
    assert.throws(() => store.getRun('nope'), /no run "nope" in .*glorot\.sqlite: it holds no runs yet/);
    store.createRun({ id: 'alpha', config: {}, seed: 1, backend: 'wasm', threads: 1 });
    store.createRun({ id: 'beta', config: {}, seed: 1, backend: 'wasm', threads: 1 });
    for (const f of [
      () => store.getRun('gamma'),
      () => store.setStatus('gamma', 'running'),
      () => store.recordProbePoint('gamma', 0, {}),
      () => store.deleteAfter('gamma', 0),
      () => store.scalarSeries('gamma', 'probe.loss'),
      () => store.histogramsAt('gamma', 'activation', 0),
      () => store.evaluationSeries('gamma', 'test'),
      () => store.latestScalars('gamma'),
    ]) {
      assert.throws(f, (e: unknown) => code('UNKNOWN_RUN')(e) && /no run "gamma" in .*; runs there: alpha, beta$/.test((e as Error).message));
    }
  });
});

test('setStatus: every status, detail set and cleared, invalid status lists the valid ones', () => {
  withStore((store) => {
    const { id } = store.createRun({ config: CONFIG, seed: 3, backend: 'wasm', threads: 1 });
    for (const s of ['running', 'finished', 'diverged', 'interrupted', 'failed', 'created'] as const) {
      assert.equal(store.setStatus(id, s).status, s);
    }
    const d = store.setStatus(id, 'diverged', 'loss became NaN at update 1234');
    assert.equal(d.statusDetail, 'loss became NaN at update 1234');
    assert.equal(store.getRun(id).statusDetail, 'loss became NaN at update 1234');
    assert.equal(store.setStatus(id, 'running').statusDetail, null);
    assert.throws(
      () => store.setStatus(id, 'done' as 'finished'),
      /invalid run status "done": expected one of created, running, finished, diverged, interrupted, failed/,
    );
  });
});

test('recordProbePoint round trip: scalars, histograms, evaluations, NaN and infinities', () => {
  withStore((store) => {
    const { id } = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    for (const u of [0, 10, 20]) store.recordProbePoint(id, u, syntheticPoint(u));
    store.recordProbePoint(id, 30, {
      scalars: [
        { layer: 1, name: 'activation.mean', value: Number.NaN },
        { layer: 2, name: 'activation.mean', value: Number.POSITIVE_INFINITY },
        { layer: 3, name: 'activation.mean', value: Number.NEGATIVE_INFINITY },
      ],
      evaluations: [{ split: 'test', errorRate: 90, nll: Number.NaN, examples: 300 }],
    });
    assert.equal(store.getRun(id).lastUpdate, 30);
    assert.deepEqual(
      store.probePoints(id).map((p) => p.updates),
      [0, 10, 20, 30],
    );
    assert.equal(store.probePoints(id)[1]!.wallTime, 1_700_000_010);

    const series = store.scalarSeries(id, 'activation.std', 2);
    assert.deepEqual(series, [
      { updates: 0, layer: 2, value: 0 + 0.2 + 0.01 },
      { updates: 10, layer: 2, value: 10 + 0.2 + 0.01 },
      { updates: 20, layer: 2, value: 20 + 0.2 + 0.01 },
    ]);
    const all = store.scalarSeries(id, 'activation.mean');
    assert.deepEqual(
      all.map((p) => [p.layer, p.updates]),
      [[1, 0], [1, 10], [1, 20], [1, 30], [2, 0], [2, 10], [2, 20], [2, 30], [3, 0], [3, 10], [3, 20], [3, 30]],
    );
    assert.ok(Number.isNaN(all[3]!.value));
    assert.equal(all[7]!.value, Number.POSITIVE_INFINITY);
    assert.equal(all[11]!.value, Number.NEGATIVE_INFINITY);
    assert.deepEqual(store.scalarSeries(id, 'probe.loss', -1).map((p) => p.value), [1, 1 / 11, 1 / 21]);

    const h = store.histogramsAt(id, 'backprop_grad', 10);
    assert.equal(h.length, LAYERS);
    assert.deepEqual(h.map((x) => x.layer), [1, 2, 3]);
    assert.deepEqual(Array.from(h[1]!.edges), [-1, 0, 0.5, 1]);
    assert.deepEqual(Array.from(h[1]!.counts), [10, 2, 1]);
    assert.deepEqual([h[1]!.nan, h[1]!.posInf, h[1]!.negInf, h[0]!.nan], [1, 0, 0, 0]);
    assert.ok(h[0]!.edges instanceof Float64Array);
    assert.deepEqual(store.histogramsAt(id, 'activation', 30), []);
    assert.deepEqual(store.histogramUpdates(id, 'activation'), [0, 10, 20]);
    assert.deepEqual(store.histogramTensors(id), [...TENSORS].sort());

    const ev = store.evaluationSeries(id, 'test');
    assert.deepEqual(ev.slice(0, 2), [
      { updates: 0, split: 'test', errorRate: 60, nll: 2.5, examples: 300 },
      { updates: 10, split: 'test', errorRate: 59.9, nll: 2.5, examples: 300 },
    ]);
    assert.equal(ev.length, 4);
    assert.ok(Number.isNaN(ev[3]!.nll));
    assert.equal(store.evaluationSeries(id, 'validation').length, 0);
    assert.equal(store.latestEvaluation(id, 'train')!.updates, 20);
    assert.equal(store.latestEvaluation(id, 'validation'), null);
    assert.throws(() => store.evaluationSeries(id, 'dev' as 'test'), /invalid split "dev": expected one of train, validation, test/);

    // latest value of every (name, layer), even when the last point did not record it
    const latest = store.latestScalars(id);
    assert.equal(latest.length, SCALARS_PER_POINT);
    const get = (name: string, layer: number) => latest.find((s) => s.name === name && s.layer === layer)!;
    assert.equal(get('activation.mean', 2).updates, 30);
    assert.equal(get('activation.mean', 2).value, Number.POSITIVE_INFINITY);
    assert.deepEqual(get('weight.std', 3), { name: 'weight.std', layer: 3, updates: 20, value: 20 + 0.3 + 0.02 });

    // one probe point's scalars, by layer then name: what that point recorded, nothing older
    const at30 = store.scalarsAt(id, 30);
    assert.deepEqual(at30.map((s) => [s.layer, s.name]), [[1, 'activation.mean'], [2, 'activation.mean'], [3, 'activation.mean']]);
    assert.deepEqual(at30.map((s) => s.value), [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    const at20 = store.scalarsAt(id, 20);
    assert.equal(at20.length, SCALARS_PER_POINT);
    assert.deepEqual(at20.map((s) => s.layer), [...at20.map((s) => s.layer)].sort((a, b) => a - b));
    assert.deepEqual(at20.find((s) => s.name === 'weight.std' && s.layer === 3), { layer: 3, name: 'weight.std', value: 20 + 0.3 + 0.02 });
    assert.deepEqual(store.scalarsAt(id, 11), [], 'no probe point at 11');
    assert.throws(() => store.scalarsAt('nope', 0), code('UNKNOWN_RUN'));
    assert.throws(() => store.scalarsAt(id, -1), code('INVALID'));

    const p = store.readProbePoint(id, 10)!;
    assert.equal(p.scalars.length, SCALARS_PER_POINT);
    assert.equal(p.histograms.length, LAYERS * TENSORS.length);
    assert.deepEqual(p.evaluations.map((e) => e.split), ['test', 'train']);
    assert.equal(store.readProbePoint(id, 11), null);
  });
});

test('one transaction per probe point: a failure mid-point stores nothing of it', () => {
  withStore((store) => {
    const { id } = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    store.recordProbePoint(id, 0, syntheticPoint(0));
    const good = syntheticPoint(5);
    // validation failure after scalars and one histogram were inserted
    const badHist = { ...good, histograms: [good.histograms![0]!, histogramRecord(2, 'activation', [0, 1, 2], [1])] };
    assert.throws(() => store.recordProbePoint(id, 5, badHist), /histogram activation of layer 2 has 3 edges and 1 counts/);
    // SQL failure (primary key) after several inserts
    const dupScalar = { ...good, scalars: [...good.scalars!, good.scalars![0]!] };
    assert.throws(() => store.recordProbePoint(id, 5, dupScalar), /scalar activation\.mean of layer 1 is listed twice/);
    const dupEval = { ...good, evaluations: [...good.evaluations!, good.evaluations![0]!] };
    assert.throws(() => store.recordProbePoint(id, 5, dupEval), /the train evaluation is listed twice/);
    assert.throws(
      () => store.recordProbePoint(id, 5, { ...good, evaluations: [{ split: 'test', errorRate: 101, nll: 1, examples: 1 }] }),
      /error rate must be a percentage from 0 to 100, found 101/,
    );
    for (const t of ['scalars', 'histograms', 'evaluations', 'probe_points']) {
      const n = (store as unknown as { sql: { db: Database.Database } }).sql.db.prepare(`SELECT count(*) AS n FROM ${t} WHERE updates = 5`).get() as { n: number };
      assert.equal(n.n, 0, `${t} has rows of the failed point`);
    }
    assert.equal(store.getRun(id).lastUpdate, 0);
    assert.deepEqual(store.probePoints(id).map((p) => p.updates), [0]);
    store.recordProbePoint(id, 5, good); // the same point goes in cleanly afterwards
    assert.equal(store.scalarSeries(id, 'probe.loss', -1).length, 2);
  });
});

test('recordProbePoint validates its records', () => {
  withStore((store) => {
    const { id } = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    const cases: Array<[Parameters<RunStore['recordProbePoint']>[2], RegExp]> = [
      [{ scalars: [{ layer: 1.5, name: 'activation.mean', value: 1 }] }, /scalar layer must be an integer ≥ -1, found 1.5/],
      [{ scalars: [{ layer: 1, name: 'has space' as ScalarName, value: 1 }] }, /scalar name "has space" is not in the metric vocabulary/],
      [{ scalars: [{ layer: 1, name: 'activation/mean' as ScalarName, value: 1 }] }, /scalar name "activation\/mean" is not in the metric vocabulary \(SCALAR_METRICS in src\/core\/metrics.ts\)/],
      [{ scalars: [{ layer: 1, name: 'activation.mean', value: '1' as unknown as number }] }, /non-number value 1/],
      [{ histograms: [histogramRecord(1, 'x' as HistogramTensor, [0, 1], [1])] }, /histogram tensor "x" is not in the metric vocabulary/],
      [{ histograms: [histogramRecord(1, 'activation', [0, 0, 1], [1, 1])] }, /edges must increase strictly, but edge 1 = 0 follows 0/],
      [{ histograms: [histogramRecord(1, 'activation', [0, Infinity], [1])] }, /edge 1 is Infinity; edges must be finite/],
      [{ histograms: [histogramRecord(1, 'activation', [0, 1], [-1])] }, /count 0 is -1; counts must be finite and ≥ 0/],
      [{ histograms: [histogramRecord(1, 'activation', [0], [])] }, /needs at least 2 edges, found 1/],
      [{ histograms: [histogramRecord(1, 'activation', [0, 1], [1], { nan: 0.5 })] }, /nan must be an integer ≥ 0, found 0.5/],
      [{ histograms: [histogramRecord(1, 'activation', [0, 1], [1], { posInf: -1 })] }, /posInf must be an integer ≥ 0, found -1/],
      [{ evaluations: [{ split: 'dev' as 'test', errorRate: 1, nll: 1, examples: 1 }] }, /invalid split "dev"/],
      [{ wallTime: Number.NaN }, /wallTime must be finite Unix seconds, found NaN/],
    ];
    for (const [point, message] of cases) assert.throws(() => store.recordProbePoint(id, 0, point), message);
    assert.throws(() => store.recordProbePoint(id, -1, {}), /probe point update must be an integer ≥ 0, found -1/);
    assert.equal(store.probePoints(id).length, 0);
  });
});

test('points must come in update order; deleteAfter drops newer records so a resume never duplicates', () => {
  withStore((store) => {
    const { id } = store.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    const other = store.createRun({ config: CONFIG, seed: 2, backend: 'wasm', threads: 1 }).id;
    for (const u of [0, 100, 200, 300, 400]) {
      store.recordProbePoint(id, u, syntheticPoint(u));
      store.recordProbePoint(other, u, syntheticPoint(u));
    }
    assert.throws(
      () => store.recordProbePoint(id, 300, syntheticPoint(300)),
      (e: unknown) => code('OUT_OF_ORDER')(e) && /already has records up to update 400; .*deleteAfter/.test((e as Error).message),
    );
    assert.throws(() => store.recordProbePoint(id, 250, syntheticPoint(250)), code('OUT_OF_ORDER'));

    // resume from a checkpoint at update 250: points 300 and 400 go
    assert.equal(store.deleteAfter(id, 250), 2);
    assert.equal(store.getRun(id).lastUpdate, 200);
    assert.deepEqual(store.probePoints(id).map((p) => p.updates), [0, 100, 200]);
    assert.deepEqual(store.scalarSeries(id, 'probe.loss', -1).map((p) => p.updates), [0, 100, 200]);
    assert.deepEqual(store.histogramUpdates(id), [0, 100, 200]);
    assert.deepEqual(store.evaluationSeries(id, 'test').map((e) => e.updates), [0, 100, 200]);
    assert.ok(store.latestScalars(id).every((s) => s.updates === 200));
    // re-recording the same updates after the resume gives exactly one row each
    for (const u of [300, 400]) store.recordProbePoint(id, u, syntheticPoint(u));
    assert.deepEqual(store.scalarSeries(id, 'activation.mean', 1).map((p) => p.updates), [0, 100, 200, 300, 400]);
    // the other run is untouched
    assert.equal(store.scalarSeries(other, 'activation.mean').length, 5 * LAYERS);
    assert.equal(store.getRun(other).lastUpdate, 400);
    // -1 deletes everything
    assert.equal(store.deleteAfter(id, -1), 5);
    assert.equal(store.getRun(id).lastUpdate, null);
    assert.equal(store.latestScalars(id).length, 0);
    store.recordProbePoint(id, 0, syntheticPoint(0));
    assert.throws(() => store.deleteAfter(id, -2), /deleteAfter update must be an integer ≥ -1, found -2/);
  });
});

test('query plans: readers and deleteAfter use the indexes (no scans of a whole run per point)', () => {
  withStore((store) => {
    assertIndexedPlans((store as unknown as { sql: { db: Database.Database } }).sql.db);
  });
});

test('schema versioning: version stamped; newer version and foreign databases refused with clear messages', () => {
  const { dir, cleanup } = tempDir();
  try {
    openRunStore(dir).close();
    const file = join(dir, 'glorot.sqlite');
    let db = new Database(file);
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    for (const readonly of [false, true]) {
      assert.throws(
        () => openRunStore(dir, { readonly }),
        (e: unknown) =>
          code('SCHEMA_TOO_NEW')(e) &&
          (e as Error).message.includes(`has run-record schema version ${SCHEMA_VERSION + 1}, but this glorot only knows versions up to ${SCHEMA_VERSION}`),
      );
    }

    const other = join(dir, 'other');
    mkdirSync(other);
    db = new Database(join(other, 'glorot.sqlite'));
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(() => openRunStore(other), (e: unknown) => code('NOT_A_RUN_RECORD')(e) && /without a glorot schema version/.test((e as Error).message));
    db = new Database(join(other, 'glorot.sqlite'));
    db.pragma('application_id = 1234');
    db.close();
    assert.throws(() => openRunStore(other), /another application \(application_id 0x4d2\)/);

    const text = join(dir, 'text');
    mkdirSync(text);
    writeFileSync(join(text, 'glorot.sqlite'), 'this is not a database at all, just some text that is long enough '.repeat(20));
    assert.throws(() => openRunStore(text), (e: unknown) => code('NOT_A_RUN_RECORD')(e) && /is not a SQLite database/.test((e as Error).message));
  } finally {
    cleanup();
  }
});

test('readonly stores: no database is an error, writes are refused, data is readable', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(
      () => openRunStore(join(dir, 'empty'), { readonly: true }),
      (e: unknown) => code('NO_DATABASE')(e) && /no run record in .*empty/.test((e as Error).message) && (e as RunStoreError).field === 'outDir',
    );
    const w = openRunStore(dir);
    const { id } = w.createRun({ config: CONFIG, seed: 1, backend: 'wasm', threads: 1 });
    w.recordProbePoint(id, 0, syntheticPoint(0));
    const r = openRunStore(dir, { readonly: true });
    assert.equal(r.readonly, true);
    assert.equal(r.scalarSeries(id, NAMES[0]).length, LAYERS);
    assert.throws(() => r.setStatus(id, 'running'), /cannot set a run status: .* was opened readonly/);
    assert.throws(() => r.createRun({ config: {}, seed: 1, backend: 'x', threads: 1 }), /opened readonly/);
    r.close();
    w.close();
  } finally {
    cleanup();
  }
});

test('unwritable output directories give a clear error', () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.throws(
      () => openRunStore(join(file, 'out')),
      (e: unknown) =>
        code('UNWRITABLE')(e) &&
        (e as Error).message === `cannot create the output directory ${join(file, 'out')}: ${file} is a file, not a directory` &&
        // the option that chose it, for the CLI to name by its flag (the store writes no flag)
        (e as RunStoreError).field === 'outDir',
    );
    if (process.getuid?.() !== 0) {
      // permissions do not bind root, so this half only runs as an ordinary user
      const ro = join(dir, 'ro');
      mkdirSync(ro, { mode: 0o555 });
      assert.throws(() => openRunStore(ro), (e: unknown) => code('UNWRITABLE')(e) && /EACCES/.test((e as Error).message));
    }
  } finally {
    cleanup();
  }
});
