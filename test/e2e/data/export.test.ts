/**
 * `glorot data export` (issue 15, item 13): Shapeset's test split written as npz is read by numpy
 * with the same values the network sees, and written as IDX is read back by glorot's `idx:<dir>`
 * loader, byte-exact. numpy is Debian's python3-numpy (a test tool only; the test says why it skips).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import { PYTHON, skipUnlessPython } from '../../helpers/python.ts';
import { tempDir } from '../../helpers/store.ts';

const BIN = fileURLToPath(new URL('../../../bin/glorot.js', import.meta.url));
const NO_NUMPY = skipUnlessPython('numpy', 'python3-numpy');

function glorot(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('data export shapeset --split test: npz read by numpy, IDX read back by idx:<dir>, both the values training sees', { skip: NO_NUMPY }, async () => {
  const { dir, cleanup } = tempDir('glorot-data-export-');
  try {
    const ds = await openDataset('shapeset', { validationSize: 30, testSize: 40 });
    const want = readRows(ds.test, 0, 40);
    const npz = glorot(dir, 'data', 'export', 'shapeset', '--split', 'test', '--format', 'npz', '--out', 'out/test.npz', '--validation-size', '30', '--test-size', '40');
    assert.equal(npz.code, 0, npz.stderr);
    const py = spawnSync(
      PYTHON,
      ['-c', 'import numpy, json, sys; z = numpy.load(sys.argv[1]); print(json.dumps({"x": z["x"].shape, "dx": str(z["x"].dtype), "y": z["y"].tolist(), "classes": z["classes"].tolist(), "sum": float(z["x"].astype("float64").sum()), "x7": z["x"][7].ravel()[:64].tolist()}))', join(dir, 'out', 'test.npz')],
      { encoding: 'utf8' },
    );
    assert.equal(py.status, 0, py.stderr);
    const z = JSON.parse(py.stdout) as { x: number[]; dx: string; y: number[]; classes: string[]; sum: number; x7: number[] };
    assert.deepEqual([z.x, z.dx], [[40, 1, 32, 32], 'float32']);
    assert.deepEqual(z.y, Array.from(ds.test.y));
    assert.deepEqual(z.classes, ds.classNames);
    assert.deepEqual(z.x7, Array.from(want.subarray(7 * 1024, 7 * 1024 + 64)));
    assert.ok(Math.abs(z.sum - want.reduce((a, b) => a + b, 0)) < 1e-3);

    const idx = glorot(dir, 'data', 'export', 'shapeset', '--split', 'test', '--format', 'idx', '--out', 'idx/t10k', '--validation-size', '30', '--test-size', '40');
    assert.equal(idx.code, 0, idx.stderr);
    assert.match(idx.stdout, /40 examples, pixels as unsigned bytes/);
    // the same files as a training file too, so the directory is a complete IDX dataset
    for (const kind of ['images-idx3', 'labels-idx1']) copyFileSync(join(dir, 'idx', `t10k-${kind}-ubyte`), join(dir, 'idx', `train-${kind}-ubyte`));
    const back = await openDataset(`idx:${join(dir, 'idx')}`, { validationSize: 10 });
    assert.deepEqual(Array.from(back.test.y), Array.from(ds.test.y));
    assert.deepEqual(readRows(back.test, 0, 40), want);

    const bad = glorot(dir, 'data', 'export', 'shapeset', '--split', 'train', '--format', 'npz', '--out', 'x.npz');
    assert.equal(bad.code, 2, 'a command line that cannot be run');
    assert.match(bad.stderr, /--n: the train split is a stream/);
  } finally {
    cleanup();
  }
});
