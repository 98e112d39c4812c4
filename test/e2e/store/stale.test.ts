/**
 * Stale state after kill -9 (issue 15 item 3): a run killed while training stays `running` in the
 * record, and `glorot runs` / `glorot show` say that its process is gone and how to resume it —
 * also when its lock was copied from another machine; a live run shows no such note. A killed
 * model save's full-size temporary file is removed by the next writable open of the directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openRunStore } from '../../../src/store/runStore.ts';

const BIN = resolve('bin/glorot.js');
const SMALL = ['--validation-size', '20', '--test-size', '20', '--depth', '1', '--width', '8', '--probe-interval', '500', '--probe-size', '10', '--jacobian-examples', '0'];

function glorot(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

function status(out: string): string | null {
  try {
    const store = openRunStore(out, { readonly: true });
    try {
      return store.hasRun('r') && store.getRun('r').lastUpdate !== null ? store.getRun('r').status : null;
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

test('runs and show say when a running run has lost its process, and give the resume command; a live one has no note', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-stale-'));
  const out = join(dir, 'out');
  const trainer = spawn(process.execPath, [BIN, 'train', ...SMALL, '--updates', '50000000', '--run-id', 'r', '--out', 'out'], { cwd: dir, stdio: 'ignore' });
  try {
    for (let t = 0; t < 450 && status(out) !== 'running'; t++) await sleep(200);
    assert.equal(status(out), 'running');
    // alive: the record's word stands
    let runs = glorot(dir, 'runs', '--out', 'out');
    assert.match(runs.stdout, /^r {2,}running {2,}tanh/m, runs.stdout);
    assert.doesNotMatch(runs.stdout, /process gone/);
    assert.match(glorot(dir, 'show', 'r', '--out', 'out').stdout, new RegExp(`^trainer +process ${trainer.pid} on host ${hostname()} is running$`, 'm'));

    trainer.kill('SIGKILL');
    await new Promise((done) => trainer.on('exit', done));
    assert.equal(status(out), 'running', 'kill -9 leaves the record saying running');
    const hint = 'resume it with: glorot train --resume r --out out (or re-run the reproduce/run command that started it)';
    const gone = `process ${trainer.pid} on host ${hostname()} is gone (no such process)`;
    runs = glorot(dir, 'runs', '--out', 'out');
    assert.match(runs.stdout, /^r {2,}running, process gone\* {2,}tanh/m, runs.stdout);
    assert.ok(runs.stdout.includes(`\n* r: the record says running, but ${gone}; ${hint}\n`), runs.stdout);
    const json = JSON.parse(glorot(dir, 'runs', '--out', 'out', '--json').stdout) as Array<{ status: string; trainer: unknown }>;
    assert.deepEqual(json[0]!.trainer, { alive: false, pid: trainer.pid, host: hostname(), reason: gone });
    assert.ok(glorot(dir, 'show', 'r', '--out', 'out').stdout.includes(`\ntrainer      ${gone}: ${hint}\n`));

    // the directory moved to another machine with its lock: a live pid here is not its trainer
    const lock = join(out, 'locks', 'r.lock');
    const owner = JSON.parse(readFileSync(lock, 'utf8')) as Record<string, unknown>;
    writeFileSync(lock, `${JSON.stringify({ ...owner, pid: process.pid, host: 'lab-elsewhere' })}\n`);
    runs = glorot(dir, 'runs', '--out', 'out');
    assert.ok(runs.stdout.includes(`* r: the record says running, but it ran on host lab-elsewhere, not this one (${hostname()}): the directory was copied or moved here; ${hint}`), runs.stdout);

    // a model save killed midway left its full-size temporary: the next writable open removes it
    mkdirSync(join(out, 'models'), { recursive: true });
    const tmp = join(out, 'models', `.r.safetensors.${trainer.pid}.tmp`);
    writeFileSync(tmp, new Uint8Array(1 << 20));
    assert.equal(glorot(dir, 'runs', '--out', 'out').status, 0);
    assert.ok(existsSync(tmp), 'a readonly command writes nothing');
    const next = glorot(dir, 'train', ...SMALL, '--updates', '10', '--run-id', 'other', '--out', 'out');
    assert.equal(next.status, 0, next.stdout + next.stderr);
    assert.equal(existsSync(tmp), false);
  } finally {
    trainer.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
