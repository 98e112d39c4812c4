/**
 * Unbounded work from small input (issue 15 item 5): `glorot run --dry-run` of a variant of depth
 * 10⁶ plans and estimates from shapes — seconds, not minutes at GBs — and builds no network of it
 * (test/unit/run/estimate.test.ts counts the allocations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/glorot.js');
const TIME = '/usr/bin/time';

test('run --dry-run of a depth-10⁶ variant ends in bounded time and memory, printing the run and an estimate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-deep-'));
  try {
    const experiment = {
      name: 'deep',
      base: { dataset: 'shapeset', validationSize: 20, testSize: 20, hidden: [16], updates: 1000, probe: { interval: 1000, size: 10, jacobianExamples: 0 } },
      variants: [{ label: 'Tanh', activation: 'tanh', init: 'standard', depth: 1_000_000 }],
      learningRates: [0.1],
    };
    writeFileSync(join(dir, 'deep.json'), JSON.stringify(experiment));
    // GNU time reports the peak resident memory (KB) on its last stderr line, where it is installed
    const time = existsSync(TIME) ? [TIME, '-f', '%M'] : [];
    const args = [...time, process.execPath, BIN, 'run', 'deep.json', '--dry-run', '--out', 'out'];
    const r = spawnSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.signal, null, `killed by ${String(r.signal)} (the 90 s timeout?)`);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    if (time.length > 0) {
      // the network alone would be 10⁶ layers × (16·16 weights + buffers) ≈ 1.2 GB of float32
      const peakKb = Number(r.stderr.trim().split('\n').at(-1));
      assert.ok(peakKb > 0 && peakKb < 600_000, `peak memory ${peakKb} KB`);
    }
    assert.match(r.stdout, /^experiment deep: 1 run \(1 variant × 1 learning rate × 1 seed\), expected ≈ .+$/m);
    assert.match(r.stdout, /^ {2}deep-tanh-lr0\.1-s1$/m);
    assert.equal(existsSync(join(dir, 'out', 'glorot.sqlite')), false, 'a dry run records nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
