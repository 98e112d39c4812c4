/**
 * Interrupting real processes: the training loop must yield to the event loop, or SIGINT/SIGTERM
 * handlers never run (found by a user: Ctrl-C did nothing until the run finished).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock } from '../../src/run/lock.ts';

function runCli(args: string[], signalAfterFirstLine: NodeJS.Signals | null): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/glorot.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let sent = false;
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (signalAfterFirstLine && !sent && /update 0\//.test(out)) {
        sent = true;
        setTimeout(() => child.kill(signalAfterFirstLine), 300);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} stops a running glorot train with a checkpoint, and --resume continues it`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-int-'));
    try {
      const common = ['--out', dir, '--depth', '3', '--width', '64', '--validation-size', '200', '--test-size', '200', '--jacobian-examples', '0'];
      const r = await runCli(['train', ...common, '--updates', '5000000', '--run-id', 'long'], signal);
      assert.match(r.out, /run long: interrupted \(interrupted at update \d+; resume with: glorot train --resume long --out /, r.out);
      const again = await runCli(['train', '--resume', 'long', '--out', dir, '--updates', '10'], null);
      assert.match(again.out, /--resume continues a run with its stored configuration: --updates cannot be given with it/, again.out);
      assert.notEqual(again.code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('one process per run: a live lock refuses a second trainer, a stale one is taken over', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-lock-'));
  try {
    const release = acquireRunLock(dir, 'r');
    mkdirSync(join(dir, 'locks'), { recursive: true });
    // a lock held by another live process (our parent, which certainly exists)
    writeFileSync(join(dir, 'locks', 'q.lock'), `${process.ppid}\n`);
    assert.throws(() => acquireRunLock(dir, 'q'), new RegExp(`run q is being trained by process ${process.ppid}`));
    // a stale lock (no such process) is taken over
    writeFileSync(join(dir, 'locks', 's.lock'), '2147483646\n');
    acquireRunLock(dir, 's')();
    release();
    acquireRunLock(dir, 'r')(); // released: free again
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
