/**
 * Interrupting a job (glorot reproduce / glorot run): what each run's line says, and how a worker
 * stopped during its start-up is counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseExperiment, planRuns } from '../../../src/config/experiment.ts';
import { earlyExitOutcome, runJobs, type RunOutcome } from '../../../src/run/jobs.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { outcomeLine } from '../../../src/cli/jobProgress.ts';

const BIN = resolve('bin/glorot.js');

const tinyExperiment = (updates: number): unknown => ({
  name: 'tiny',
  base: { dataset: 'shapeset', validationSize: 20, testSize: 20, hidden: [8, 8], updates, probe: { interval: 1000, size: 10, jacobianExamples: 0 } },
  variants: [
    { label: 'Tanh', activation: 'tanh', init: 'standard' },
    { label: 'Tanh N', activation: 'tanh', init: 'normalized' },
  ],
  learningRates: [0.1],
});

test('a worker killed by the forwarded Ctrl-C while starting up counts as interrupted, not as an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-jobs-int-'));
  try {
    const runs = planRuns(parseExperiment(tinyExperiment(1_000_000), 'tiny'));
    const controller = new AbortController();
    const outcomes = await runJobs(runs, {
      outDir: dir,
      jobs: 2,
      signal: controller.signal,
      // abort as soon as the second worker is forked: both are still loading tsx (no handlers yet)
      onEvent: (e) => {
        if (e.type === 'start' && e.runId === runs[1]!.runId) queueMicrotask(() => controller.abort());
      },
    });
    assert.deepEqual(
      outcomes.map((o) => [o.runId, o.status, o.skipped]),
      runs.map((r) => [r.runId, 'interrupted', false]),
    );
    for (const o of outcomes) assert.match(o.detail ?? '', /^interrupted while its worker was starting \(SIGINT\), before any update of this job$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('earlyExitOutcome: only a signal we forwarded makes an unreported exit an interruption', () => {
  assert.equal(earlyExitOutcome('r', null, 'SIGTERM', true).status, 'interrupted');
  // the job was not interrupted: a worker dying of SIGINT (someone else sent it) is an error
  assert.deepEqual(earlyExitOutcome('r', null, 'SIGINT', false), { runId: 'r', status: 'error', detail: 'worker exited (SIGINT) before reporting', skipped: false });
  // a crash during an interruption is still an error
  assert.deepEqual(earlyExitOutcome('r', 1, null, true), { runId: 'r', status: 'error', detail: 'worker exited (code 1) before reporting', skipped: false });
  assert.equal(earlyExitOutcome('r', null, 'SIGKILL', true).status, 'error');
});

test("a job's run line is the run's status and detail (the job's last line says how to continue)", () => {
  const o = (status: string, detail: string | null, skipped = false): RunOutcome => ({ runId: 'shapeset-tanh', status, detail, skipped });
  assert.equal(outcomeLine(o('interrupted', 'interrupted at update 64')), '  run shapeset-tanh: interrupted — interrupted at update 64');
  assert.equal(outcomeLine(o('finished', null)), '  run shapeset-tanh: finished');
  assert.equal(outcomeLine(o('diverged', 'loss became NaN at update 12')), '  run shapeset-tanh: diverged — loss became NaN at update 12');
  assert.equal(outcomeLine(o('finished', null, true)), '  run shapeset-tanh: already finished, skipped');
});

/** Runs the CLI; `interrupt` decides from the output so far (and the time) when to send SIGINT. */
function runCli(args: string[], cwd: string, interrupt: (out: string) => Promise<boolean> | boolean): Promise<{ code: number | null; out: string; stdout: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const poll = setInterval(() => {
      void (async () => {
        if (!sent && (await interrupt(out))) {
          sent = true;
          child.kill('SIGINT');
        }
      })();
    }, 25);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolvePromise({ code, out, stdout });
    });
  });
}

function storeShowsRunning(dir: string): boolean {
  try {
    const store = openRunStore(dir, { readonly: true });
    try {
      return store.listRuns().some((r) => r.status === 'running' && r.lastUpdate !== null);
    } finally {
      store.close();
    }
  } catch {
    return false; // not created yet
  }
}

test('Ctrl-C of glorot run: each run says "interrupted at update N" without a glorot train hint; the last line says to re-run the command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-run-int-'));
  try {
    writeFileSync(join(dir, 'exp.json'), JSON.stringify(tinyExperiment(50_000_000)));
    let seenRunning: number | null = null;
    const r = await runCli(['run', 'exp.json', '--jobs', '2', '--out', 'out'], dir, () => {
      if (seenRunning === null && storeShowsRunning(join(dir, 'out'))) seenRunning = performance.now();
      return seenRunning !== null && performance.now() - seenRunning > 1500;
    });
    assert.equal(r.code, 130, r.out);
    assert.doesNotMatch(r.out, /glorot train --resume/, r.out);
    assert.match(r.stdout, /^ {2}run tiny-\S+: interrupted — interrupted at update \d+$/m, r.out);
    assert.match(r.stdout, /^runs: 2 interrupted$/m, r.out);
    assert.match(r.stdout, /^interrupted: re-run the same command to continue from the checkpoints in out$/m, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C of glorot reproduce while its workers start: the runs count as interrupted, none as an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-repro-int-'));
  try {
    const r = await runCli(['reproduce', '--scale', 'smoke', '--datasets', 'shapeset', '--jobs', '2', '--out', 'out'], dir, (out) => /\[reproduce\]/.test(out));
    assert.equal(r.code, 130, r.out);
    assert.doesNotMatch(r.out, /error|glorot train --resume/, r.out);
    assert.match(r.stdout, /^runs: [12] interrupted$/m, r.out);
    // (the runJobs test above pins the start-up case exactly; here a slow machine may let a worker
    // get past its start-up, which then checkpoints as usual)
    const runLines = r.stdout.split('\n').filter((l) => l.startsWith('  run '));
    assert.ok(runLines.length >= 1, r.out);
    for (const l of runLines) assert.match(l, /^ {2}run shapeset-\S+: interrupted — interrupted (while its worker was starting \(SIGINT\), before any update of this job|at update \d+)$/, r.out);
    assert.match(r.stdout, /^interrupted: re-run the same command to continue from the checkpoints in out$/m, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
