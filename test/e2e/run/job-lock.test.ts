/**
 * Two jobs on one output directory (issue 15 item 2): while `glorot run` or `glorot reproduce`
 * writes into `--out`, a second job there is refused at once, naming the directory, the job that
 * holds it (command, pid, host) and the lock file; a dry run, which writes nothing, is not. Once
 * the first job ends the directory is free again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openRunStore } from '../../../src/store/runStore.ts';

const BIN = resolve('bin/glorot.js');

const experiment = (updates: number): unknown => ({
  name: 'lock',
  base: { dataset: 'shapeset', validationSize: 20, testSize: 20, hidden: [8], updates, probe: { interval: 1000, size: 10, jacobianExamples: 0 } },
  variants: [{ label: 'Tanh', activation: 'tanh', init: 'standard' }],
  learningRates: [0.1],
});

function training(out: string): boolean {
  try {
    const store = openRunStore(out, { readonly: true });
    try {
      return store.listRuns().some((r) => r.status === 'running');
    } finally {
      store.close();
    }
  } catch {
    return false;
  }
}

test('a second job into a busy output directory is refused by name; a dry run is not; the directory is free once the first ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-joblock-'));
  try {
    writeFileSync(join(dir, 'exp.json'), JSON.stringify(experiment(50_000_000)));
    writeFileSync(join(dir, 'small.json'), JSON.stringify({ ...(experiment(20) as object), name: 'small' }));
    const first = spawn(process.execPath, [BIN, 'run', 'exp.json', '--jobs', '1', '--out', 'out'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((done) => first.on('exit', (code) => done(code)));
    try {
      for (let t = 0; t < 450 && !training(join(dir, 'out')); t++) await sleep(200);
      assert.ok(training(join(dir, 'out')), 'the first job never started training');
      const refused = (args: string[]): void => {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 1, r.stdout + r.stderr);
        const expected =
          `glorot: --out: the output directory out is in use by another job: glorot run exp.json --jobs 1 --out out ` +
          `(process ${first.pid} on host ${hostname()}, since `;
        assert.ok(r.stderr.startsWith(expected), r.stderr);
        assert.match(r.stderr, /\) \(lock out\/locks\/_job\.lock\); wait for it to finish or stop it, or use another output directory\n$/);
        assert.equal(r.stdout, '', 'refused before planning or printing anything');
      };
      refused(['run', 'small.json', '--out', 'out']);
      refused(['reproduce', '--scale', 'smoke', '--datasets', 'shapeset', '--out', 'out']);
      // a dry run writes nothing: it may look while a job runs
      const dry = spawnSync(process.execPath, [BIN, 'run', 'small.json', '--dry-run', '--out', 'out'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(dry.status, 0, dry.stdout + dry.stderr);
    } finally {
      first.kill('SIGINT');
    }
    assert.equal(await exited, 130);
    const after = spawnSync(process.execPath, [BIN, 'run', 'small.json', '--out', 'out'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(after.status, 0, after.stdout + after.stderr);
    assert.match(after.stdout, /runs: 1 finished/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
