/**
 * Schema version 1 → 2 (`step` → `updates`, the `artifacts` table) on a real version-1 record:
 * fixtures/v1-record.sqlite was written by glorot at schema version 1 (commit 69bd651): two
 * `glorot train` runs on Shapeset (tanh 6-6 standard init, 20 updates with early probe points and
 * Jacobians; relu 5 he_uniform with learning rate 1e30, diverged at update 2) and one run written
 * through the store with NaN and ±Infinity values (scalars, a histogram's tallies, an NLL).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openRunStore, SCHEMA_VERSION } from '../../../src/store/index.ts';
import { assertIndexedPlans, histogramRecord, tempDir } from '../../helpers/store.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'v1-record.sqlite');
const PER_POINT = ['probe_points', 'scalars', 'histograms', 'evaluations'] as const;

/** Every row of every table, the update counter's column read as `u`, in a fixed order. */
function dump(db: Database.Database, counter: 'step' | 'updates'): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = { runs: db.prepare('SELECT * FROM runs ORDER BY id').all() };
  for (const t of PER_POINT) {
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[]).map((c) => (c.name === counter ? `${counter} AS u` : c.name));
    out[t] = db.prepare(`SELECT ${cols.join(', ')} FROM ${t} ORDER BY ${cols.map((_, i) => i + 1).slice(0, 4).join(', ')}`).all();
  }
  return out;
}

/** A copy of the fixture in a fresh output directory. */
function withV1Copy(f: (dir: string, file: string) => void): void {
  const { dir, cleanup } = tempDir('glorot-migrate-');
  const file = join(dir, 'glorot.sqlite');
  copyFileSync(FIXTURE, file);
  try {
    f(dir, file);
  } finally {
    cleanup();
  }
}

/** Table → its columns, primary key, indexes and foreign keys, as SQLite reports them. */
function shape(db: Database.Database): Record<string, unknown> {
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  return Object.fromEntries(
    tables.map((t) => [
      t,
      {
        columns: db.prepare(`SELECT name, type, "notnull", pk FROM pragma_table_info('${t}')`).all(),
        indexes: (db.prepare(`SELECT name, "unique", origin FROM pragma_index_list('${t}') ORDER BY name`).all() as { name: string }[]).map((i) => ({
          ...i,
          columns: db.prepare(`SELECT name FROM pragma_index_info('${i.name}')`).all(),
        })),
        foreignKeys: db.prepare(`SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list('${t}')`).all(),
      },
    ]),
  );
}

test('the v1 fixture is what the test thinks it is', () => {
  const db = new Database(FIXTURE, { readonly: true });
  try {
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    const counts = dump(db, 'step');
    assert.deepEqual(
      PER_POINT.map((t) => counts[t]!.length),
      [8, 559, 80, 20],
    );
    assert.deepEqual((counts.runs as { id: string }[]).map((r) => r.id), ['nonfinite', 'relu-diverges', 'tanh-small']);
  } finally {
    db.close();
  }
});

test('v1 → v2 in place: every row kept, step renamed updates, artifacts added, the same schema as a new record', () => {
  withV1Copy((dir, file) => {
    const v1 = new Database(file, { readonly: true });
    const before = dump(v1, 'step');
    v1.close();

    openRunStore(dir).close(); // the first writable open migrates
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.equal(SCHEMA_VERSION, 2);
      assert.deepEqual(dump(db, 'updates'), before, 'every row of every table, value for value');
      for (const t of PER_POINT) {
        const cols = (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[]).map((c) => c.name);
        assert.ok(cols.includes('updates') && !cols.includes('step'), `${t}: ${cols.join(', ')}`);
      }
      assert.equal((db.prepare('SELECT count(*) AS n FROM artifacts').get() as { n: number }).n, 0);
      assert.deepEqual(db.pragma('foreign_key_check'), []);
      assert.deepEqual(db.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      assertIndexedPlans(db);

      const fresh = tempDir('glorot-fresh-');
      try {
        openRunStore(fresh.dir).close();
        const newDb = new Database(join(fresh.dir, 'glorot.sqlite'), { readonly: true });
        assert.deepEqual(shape(db), shape(newDb), 'a migrated record and a new one have the same tables, keys and indexes');
        newDb.close();
      } finally {
        fresh.cleanup();
      }
    } finally {
      db.close();
    }
  });
});

test('a migrated record reads through the store as it was written, and takes new records', () => {
  withV1Copy((dir) => {
    const store = openRunStore(dir);
    try {
      assert.deepEqual(store.probePoints('tanh-small').map((p) => p.updates), [0, 1, 2, 5, 10, 20]);
      const std = store.scalarSeries('tanh-small', 'activation.std', 2);
      assert.equal(std.length, 6);
      assert.ok(std.every((p) => p.value > 0 && p.value < 1));
      const nf = store.readProbePoint('nonfinite', 0)!;
      assert.deepEqual(nf.scalars.map((s) => [s.layer, s.name, s.value]), [
        [-1, 'probe.loss', -Infinity],
        [1, 'activation.max', Infinity],
        [1, 'activation.mean', NaN],
      ]);
      assert.deepEqual([nf.histograms[0]!.nan, nf.histograms[0]!.posInf, nf.histograms[0]!.negInf], [1, 2, 3]);
      assert.ok(Number.isNaN(nf.evaluations[0]!.nll));
      assert.equal(store.getRun('relu-diverges').statusDetail, 'loss became Infinity at update 2');
      // the migrated keys and foreign keys work: a resume drops and re-records points
      assert.equal(store.deleteAfter('tanh-small', 10), 1);
      store.recordProbePoint('tanh-small', 15, {
        scalars: [{ layer: 1, name: 'activation.std', value: 0.5 }],
        histograms: [histogramRecord(1, 'activation', [-1, 0, 1], [1, 2])],
        evaluations: [{ split: 'test', errorRate: 50, nll: 1, examples: 30 }],
      });
      assert.deepEqual(store.scalarSeries('tanh-small', 'activation.std', 1).map((p) => p.updates), [0, 1, 2, 5, 10, 15]);
      assert.equal(store.costSurfaces(), null);
    } finally {
      store.close();
    }
  });
});

test('a readonly open of a v1 record reads it as v2 and leaves the file untouched', () => {
  withV1Copy((dir, file) => {
    const hash = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    const original = hash();
    const r = openRunStore(dir, { readonly: true });
    let migrated;
    try {
      const read = (s: typeof r) => ({
        points: s.probePoints('tanh-small'),
        series: s.scalarSeries('tanh-small', 'backprop_grad.std'),
        latest: s.latestScalars('tanh-small'),
        hist: s.histogramsAt('tanh-small', 'weight_grad.own_range', 0),
        updates: s.histogramUpdates('tanh-small', 'activation'),
        tensors: s.histogramTensors('tanh-small'),
        evals: s.evaluationSeries('tanh-small', 'test'),
        last: s.latestEvaluation('relu-diverges', 'validation'),
        point: s.readProbePoint('nonfinite', 0),
        artifacts: [s.costSurfaces(), s.exampleSheets()],
      });
      const v1 = read(r);
      assert.equal(v1.points.length, 6);
      assert.equal(v1.hist.length, 2, 'own-range histograms of both hidden layers');
      assert.deepEqual(v1.artifacts, [null, []]);
      assert.throws(() => r.putCostSurfaces({ grid: new Float64Array(2), crossEntropy: new Float64Array(4), quadratic: new Float64Array(4), examples: 1, labelNoise: 0 }), /opened readonly/);
      const w = openRunStore(dir);
      w.close();
      migrated = openRunStore(dir, { readonly: true });
      assert.deepEqual(read(migrated), v1, 'the same answers before and after the migration');
    } finally {
      r.close();
      migrated?.close();
    }
    assert.notEqual(hash(), original, 'the writable open did migrate the file');
  });
});

test('a readonly open never writes: the v1 file is byte-identical after reading it', () => {
  withV1Copy((dir, file) => {
    const before = readFileSync(file);
    const r = openRunStore(dir, { readonly: true });
    r.scalarSeries('tanh-small', 'activation.mean');
    r.close();
    assert.ok(readFileSync(file).equals(before));
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    db.close();
  });
});
