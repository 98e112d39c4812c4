/** `glorot train` names the flag the user typed in a dataset option error (split from test/unit/cli/flags.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('glorot train names --test-size when a dataset does not take it (was "option testSize")', () => {
  const out = mkdtempSync(join(tmpdir(), 'glorot-flags-'));
  try {
    const r = spawnSync(process.execPath, ['bin/glorot.js', 'train', '--dataset', 'fashion-mnist', '--test-size', '5', '--width', '8', '--depth', '1', '--updates', '10', '--out', out], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /option --test-size does not apply/);
    assert.doesNotMatch(r.stderr, /testSize/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
