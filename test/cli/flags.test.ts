import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFlagNames } from '../../src/cli/flags.ts';

test('dataset option names become the flags the user typed, except where a message names the config field', () => {
  assert.equal(withFlagNames('fashion-mnist: option testSize does not apply'), 'fashion-mnist: option --test-size does not apply');
  assert.equal(withFlagNames('shapeset validationSize: expected an integer'), 'shapeset --validation-size: expected an integer');
  assert.equal(withFlagNames('--test-size (config field testSize): the test split is empty'), '--test-size (config field testSize): the test split is empty');
  assert.equal(withFlagNames('option bins does not apply'), 'option bins does not apply', 'other words are left alone');
});

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
