import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapesetClassPriors } from '../../../src/data/shapeset/params.ts';
import { costSurfaces } from '../../../src/probes/costSurface.ts';
import { storeReportArtifacts } from '../../../src/run/artifacts.ts';
import { openRunStore } from '../../../src/store/index.ts';
import { tempDir } from '../../helpers/store.ts';

test("the reproduce job stores Fig. 5's surfaces and Fig. 1's sheets; a dataset it cannot open is a warning, not an error", async () => {
  const { dir, cleanup } = tempDir('glorot-artifacts-');
  try {
    const warnings = await storeReportArtifacts(dir, [{ dataset: 'shapeset' }, { dataset: 'mnist', dataDir: `${dir}/no-such-dir` }]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Fig\. 1: could not open mnist for its sheet/);
    const store = openRunStore(dir, { readonly: true });
    try {
      const stored = store.costSurfaces()!;
      const fresh = costSurfaces();
      assert.deepEqual(stored, fresh, 'the stored surfaces are the computation, bit for bit');
      assert.equal(stored.grid.length, 61);
      assert.deepEqual(store.classPriors('shapeset')!.priors, shapesetClassPriors());
      assert.equal(store.classPriors('mnist'), null);
      const sheets = store.exampleSheets();
      assert.deepEqual(sheets.map((s) => s.dataset), ['shapeset']);
      assert.deepEqual([...sheets[0]!.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
      assert.ok(sheets[0]!.width > 64 * 6 && sheets[0]!.height > 64 * 9);
    } finally {
      store.close();
    }
  } finally {
    cleanup();
  }
});
