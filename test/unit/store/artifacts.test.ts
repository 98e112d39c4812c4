import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { CostSurfaces } from '../../../src/core/artifacts.ts';
import { openRunStore } from '../../../src/store/index.ts';
import { tempDir } from '../../helpers/store.ts';

const surfaces: CostSurfaces = {
  grid: Float64Array.of(-6, 0.1, 6),
  crossEntropy: Float64Array.from({ length: 9 }, (_, i) => Math.PI * i + 1e-300),
  quadratic: Float64Array.from({ length: 9 }, (_, i) => Math.E / (i + 1)),
  examples: 1000,
  labelNoise: 0.1,
};

test('artifacts: cost surfaces and example sheets round trip bit for bit; a new write replaces the old', () => {
  const { dir, cleanup } = tempDir();
  try {
    const w = openRunStore(dir);
    assert.equal(w.costSurfaces(), null);
    assert.deepEqual(w.exampleSheets(), []);
    w.putCostSurfaces({ ...surfaces, examples: 1 });
    w.putCostSurfaces(surfaces);
    const png = Uint8Array.of(137, 80, 78, 71, 0, 255);
    w.putExampleSheet({ dataset: 'mnist', note: 'test images, shown 2×', png, width: 3, height: 2 });
    w.putExampleSheet({ dataset: 'shapeset', note: 'shown at 64×64', png: png.subarray(1, 4), width: 1, height: 1 });
    w.close();
    const r = openRunStore(dir, { readonly: true });
    assert.deepEqual(r.costSurfaces(), surfaces);
    assert.deepEqual(
      r.exampleSheets().map((s) => [s.dataset, s.note, [...s.png], s.width, s.height]),
      [
        ['shapeset', 'shown at 64×64', [80, 78, 71], 1, 1],
        ['mnist', 'test images, shown 2×', [137, 80, 78, 71, 0, 255], 3, 2],
      ],
      "Shapeset's first; the subarray's own bytes, not its buffer's",
    );
    assert.throws(() => r.putExampleSheet({ dataset: 'x', note: '', png, width: 1, height: 1 }), /cannot store the artifact fig1\.examples\.x: .* was opened readonly/);
    r.close();
  } finally {
    cleanup();
  }
});

test('artifacts: mismatched lengths are refused; a malformed stored artifact is an error naming it', () => {
  const { dir, cleanup } = tempDir();
  try {
    const w = openRunStore(dir);
    assert.throws(() => w.putCostSurfaces({ ...surfaces, quadratic: new Float64Array(8) }), /cost surfaces need 3² values each for a grid of 3, found 9 and 8/);
    w.putCostSurfaces(surfaces);
    w.close();
    const db = new Database(join(dir, 'glorot.sqlite'));
    db.prepare("UPDATE artifacts SET data = zeroblob(16) WHERE name = 'fig5.cost_surfaces'").run();
    db.close();
    const r = openRunStore(dir, { readonly: true });
    assert.throws(() => r.costSurfaces(), /artifact fig5\.cost_surfaces is malformed: 2 values for a grid of 3 \(expected 21\)/);
    r.close();
  } finally {
    cleanup();
  }
});
