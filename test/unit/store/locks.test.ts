/**
 * Stale state (issue 15 item 3): a lock or temporary file is its owner's only while that owner
 * still runs — same host, same boot, same pid, same process start. Each way an owner can be gone
 * (killed, the machine restarted, the directory copied from another machine, the pid recycled) is
 * recognised, taken over or removed; a live owner never is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { removeStaleTemporaries } from '../../../src/store/durable.ts';
import { RunStoreError } from '../../../src/store/errors.ts';
import { acquireJobLock, acquireRunLock, jobLockPath, readLock, runLockPath } from '../../../src/store/locks.ts';
import { currentProcess, ownerState, processStartMs, type ProcessIdentity } from '../../../src/store/owner.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { tempDir } from '../../helpers/store.ts';

const hasProc = existsSync('/proc/self/stat');
/** A pid no process has (above the kernel's pid_max). */
const NO_SUCH_PID = 2 ** 22 + 17;
/** Our parent (the test runner): a live process other than this one. */
const parent = (): ProcessIdentity => ({ ...currentProcess(), pid: process.ppid, startTicks: currentStartTicks(process.ppid) });

function currentStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

test('an owner is alive only on this host, this boot, with its pid and its start time', () => {
  const live = parent();
  assert.deepEqual(ownerState(live), { alive: true, reason: `process ${process.ppid} on host ${hostname()} is running` });
  assert.equal(ownerState(currentProcess()).alive, true);
  // killed
  assert.deepEqual(ownerState({ ...live, pid: NO_SUCH_PID }), { alive: false, reason: `process ${NO_SUCH_PID} on host ${hostname()} is gone (no such process)` });
  // copied from another machine with the directory: its pid here means nothing
  assert.deepEqual(ownerState({ ...live, host: 'lab-elsewhere' }), {
    alive: false,
    reason: `it ran on host lab-elsewhere, not this one (${hostname()}): the directory was copied or moved here`,
  });
  // an older glorot's lock: a bare pid, checked as it was
  assert.equal(ownerState({ pid: process.ppid, host: null, bootId: null, startTicks: null }).alive, true);
  assert.equal(ownerState({ pid: NO_SUCH_PID, host: null, bootId: null, startTicks: null }).alive, false);
  assert.equal(ownerState({ ...live, pid: 0 }).alive, false);
});

test('a recycled pid or a restarted machine is not mistaken for the owner', { skip: !hasProc && 'needs /proc' }, () => {
  const live = parent();
  assert.ok(live.startTicks !== null && live.bootId !== null);
  const recycled = ownerState({ ...live, startTicks: String(Number(live.startTicks) + 1) });
  assert.deepEqual(recycled, { alive: false, reason: `process ${process.ppid} on host ${hostname()} is gone (pid ${process.ppid} now belongs to another process)` });
  const rebooted = ownerState({ ...live, bootId: '00000000-0000-0000-0000-000000000000' });
  assert.deepEqual(rebooted, { alive: false, reason: `process ${process.ppid} on host ${hostname()} ran before this machine last restarted` });
  const started = processStartMs(process.pid)!;
  assert.ok(Math.abs(started - (Date.now() - process.uptime() * 1000)) < 5000, `this process started at ${new Date(started).toISOString()}`);
});

test('a lock records pid, host, boot and start; a live one refuses, each kind of stale one is taken over', () => {
  const { dir, cleanup } = tempDir();
  try {
    const release = acquireRunLock(dir, 'r');
    const held = readLock(runLockPath(dir, 'r'))!;
    assert.deepEqual(
      { pid: held.owner.pid, host: held.owner.host, command: held.owner.command, alive: held.alive },
      { pid: process.pid, host: hostname(), command: 'training run r', alive: true },
    );
    if (hasProc) assert.equal(held.owner.startTicks, currentProcess().startTicks);
    release();
    assert.equal(readLock(runLockPath(dir, 'r')), null);

    mkdirSync(join(dir, 'locks'), { recursive: true });
    const live = parent();
    const write = (run: string, owner: object): void => writeFileSync(runLockPath(dir, run), `${JSON.stringify({ ...owner, command: 'training run x', since: '2026-01-01T00:00:00.000Z' })}\n`);
    write('q', live);
    assert.throws(() => acquireRunLock(dir, 'q'), {
      message: `run q is being trained by process ${process.ppid} on host ${hostname()} since 2026-01-01T00:00:00.000Z (lock ${runLockPath(dir, 'q')}); wait for it to finish or stop it first`,
    });
    const stale: Array<[string, object]> = [
      ['killed', { ...live, pid: NO_SUCH_PID }],
      ['copied from another machine', { ...live, host: 'lab-elsewhere' }],
      ...(hasProc ? ([['recycled pid', { ...live, startTicks: '1' }], ['restarted machine', { ...live, bootId: 'another-boot' }]] as Array<[string, object]>) : []),
    ];
    for (const [what, owner] of stale) {
      write('s', owner);
      assert.equal(readLock(runLockPath(dir, 's'))!.alive, false, what);
      acquireRunLock(dir, 's')(); // taken over, then released
      assert.equal(readLock(runLockPath(dir, 's')), null, what);
    }
    // a damaged lock file is stale too
    writeFileSync(runLockPath(dir, 's'), 'garbage');
    acquireRunLock(dir, 's')();
  } finally {
    cleanup();
  }
});

test('the job lock: a second job is refused naming the directory, the job, its pid and host; a stale one is taken over', () => {
  const { dir, cleanup } = tempDir();
  try {
    const release = acquireJobLock(dir, 'glorot reproduce');
    mkdirSync(join(dir, 'locks'), { recursive: true });
    writeFileSync(jobLockPath(dir), `${JSON.stringify({ ...parent(), command: 'glorot run exp.json', since: '2026-01-01T00:00:00.000Z' })}\n`);
    assert.throws(
      () => acquireJobLock(dir, 'glorot reproduce'),
      (e: unknown) =>
        e instanceof RunStoreError &&
        e.code === 'IN_USE' &&
        e.field === 'outDir' &&
        e.message ===
          `the output directory ${dir} is in use by another job: glorot run exp.json (process ${process.ppid} on host ${hostname()}, ` +
            `since 2026-01-01T00:00:00.000Z) (lock ${jobLockPath(dir)}); wait for it to finish or stop it, or use another output directory`,
    );
    release(); // ours was replaced above: releasing leaves the other job's lock alone
    assert.equal(readLock(jobLockPath(dir))!.owner.command, 'glorot run exp.json');
    writeFileSync(jobLockPath(dir), `${JSON.stringify({ ...parent(), pid: NO_SUCH_PID })}\n`);
    acquireJobLock(dir, 'glorot reproduce')();
    // `_job` is no run id: the two kinds of lock never share a file
    assert.throws(() => runLockPath(dir, '_job'), /run id/);
  } finally {
    cleanup();
  }
});

test("a killed write's temporary file is removed by the next writable open when its process is gone; a live writer's is kept", () => {
  const { dir, cleanup } = tempDir();
  try {
    openRunStore(dir).close();
    const models = join(dir, 'models');
    mkdirSync(models);
    const dead = join(models, `.r.safetensors.${NO_SUCH_PID}.tmp`);
    const mine = join(models, `.q.safetensors.${process.pid}.tmp`);
    const parents = join(models, `.p.safetensors.${process.ppid}.tmp`);
    const recycled = join(models, `.o.safetensors.${process.ppid}.tmp`);
    const unrelated = join(models, '.notes.tmp');
    for (const f of [dead, mine, parents, recycled, unrelated]) writeFileSync(f, 'x');
    // written long before our parent started: its pid then belonged to another process
    if (hasProc) utimesSync(recycled, new Date(0), new Date(0));
    // a readonly open writes nothing
    openRunStore(dir, { readonly: true }).close();
    assert.ok(existsSync(dead));
    openRunStore(dir).close();
    assert.deepEqual(
      [dead, mine, parents, recycled, unrelated].map((f) => existsSync(f)),
      [false, true, true, !hasProc, true],
    );
    assert.deepEqual(removeStaleTemporaries(join(dir, 'nonexistent')), []);
  } finally {
    cleanup();
  }
});
