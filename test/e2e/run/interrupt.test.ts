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
import { acquireRunLock } from '../../../src/store/locks.ts';

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
      assert.match(r.out, /run long: interrupted \(interrupted at update \d+[^)\n]*\)\n {2}continue with: glorot train --resume long --out /, r.out);
      assert.equal(r.code, 130, 'an interrupted glorot train exits 130, as glorot reproduce does');
      const again = await runCli(['train', '--resume', 'long', '--out', dir, '--updates', '10'], null);
      assert.match(again.out, /--resume continues a run with its stored configuration: --updates cannot be given with it/, again.out);
      assert.notEqual(again.code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('glorot train prints warnings on stderr: a model that could not be saved is finished by --resume, a lost checkpoint restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-warn-'));
  try {
    const model = join(dir, 'models', 'w.safetensors');
    mkdirSync(model, { recursive: true }); // in the way of the model file
    const args = ['--out', dir, '--depth', '1', '--width', '8', '--validation-size', '20', '--test-size', '20', '--probe-size', '10', '--jacobian-examples', '0'];
    const failed = await runCli(['train', ...args, '--updates', '30', '--checkpoint-interval', '10', '--run-id', 'w'], null);
    assert.equal(failed.code, 1);
    assert.match(failed.out, new RegExp(`glorot: cannot save the model to ${model} \\(.*\\); training is complete and checkpointed at update 30: fix that, then resume run w: it saves the model without retraining \\(glorot train --resume w --out ${dir}\\)\n`));
    rmSync(model, { recursive: true });
    const finished = await runCli(['train', '--resume', 'w', '--out', dir], null);
    assert.equal(finished.code, 0, finished.out);
    assert.match(finished.out, /run w: finished\n/);
    assert.doesNotMatch(finished.out, /warning/);
    // the same with the checkpoint lost: a warning, a restart from update 0
    writeFileSync(join(dir, 'w2.json'), JSON.stringify({ updates: 30 }));
    mkdirSync(join(dir, 'models', 'w2.safetensors'));
    await runCli(['train', ...args, '--config', join(dir, 'w2.json'), '--run-id', 'w2'], null);
    rmSync(join(dir, 'models', 'w2.safetensors'), { recursive: true });
    rmSync(join(dir, 'checkpoints', 'w2', 'manifest.json'));
    const restarted = await runCli(['train', '--resume', 'w2', '--out', dir], null);
    assert.equal(restarted.code, 0, restarted.out);
    assert.match(restarted.out, new RegExp(`warning: run w2: no usable checkpoint found \\(no ${join(dir, 'checkpoints', 'w2', 'manifest.json')}\\): restarting from update 0; its records up to update 30 are recomputed\n`));
    assert.match(restarted.out, /run w2: finished \(run w2: no usable checkpoint found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('glorot train --help documents the exit statuses', async () => {
  const r = await runCli(['train', '--help'], null);
  assert.equal(r.code, 0);
  // the statuses of issue 15 item 10 (src/cli/exit.ts): 2 is a usage error, as argparse tools exit; diverged moved to 3
  const help = r.out.replace(/\s+/g, ' ');
  assert.match(help, /Exit status: 0 finished, 1 error, 2 usage error \(nothing was started\), 3 diverged, 130 interrupted \(Ctrl-C or SIGTERM: a checkpoint is written; continue with --resume RUN\)/);
});

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
