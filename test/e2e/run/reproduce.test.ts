/**
 * The main job end to end at the smoke scale, through the real command: every figure, the table and
 * summary.json exist and hold real numbers; running it again skips every run and reproduces the table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/glorot.js');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Summary {
  scale: string;
  table1: { cells: Array<{ dataset: string; label: string; ran: boolean; mean: number | null; paper: number | null; runIds: string[] }> };
  checks: Array<{ verdict: string }>;
}

test('glorot reproduce --scale smoke: every figure, Table 1 and summary.json with real numbers; a re-run skips every run', () => {
  const out = mkdtempSync(join(tmpdir(), 'glorot-smoke-'));
  try {
    const datasets = existsSync('/usr/share/datasets/fashion-mnist') ? 'shapeset,fashion-mnist' : 'shapeset';
    const args = [BIN, 'reproduce', '--scale', 'smoke', '--datasets', datasets, '--out', out];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (let n = 1; n <= 12; n++) {
      for (const ext of ['svg', 'png']) {
        const f = join(out, 'report', 'figures', `fig${n}.${ext}`);
        assert.ok(existsSync(f) && statSync(f).size > 1000, `${f} exists and is not empty`);
      }
      assert.deepEqual(readFileSync(join(out, 'report', 'figures', `fig${n}.png`)).subarray(0, 8), PNG, `fig${n}.png is a PNG`);
    }
    const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
    assert.match(html, /Table 1/);
    assert.doesNotMatch(html, /\bNaN\b|undefined/);
    assert.match(readFileSync(join(out, 'report', 'README.md'), 'utf8'), /\| Tanh N \|/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    assert.equal(summary.scale, 'smoke');
    const shapeset = summary.table1.cells.filter((c) => c.dataset === 'shapeset');
    assert.equal(shapeset.length, 5);
    for (const c of shapeset) {
      assert.ok(c.ran && typeof c.mean === 'number' && c.mean >= 0 && c.mean <= 100, `${c.label}: test error ${c.mean}`);
      assert.ok(typeof c.paper === 'number', `${c.label}: the paper's value is beside ours`);
    }
    assert.ok(summary.checks.length >= 10 && summary.checks.every((c) => ['pass', 'weak', 'fail', 'not-run'].includes(c.verdict)));

    const again = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /already finished, skipped/);
    assert.doesNotMatch(again.stdout, /: finished$/m);
    const summary2 = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    assert.deepEqual(summary2.table1, summary.table1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
