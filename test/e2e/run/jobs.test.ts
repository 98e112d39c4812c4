import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/glorot.js');

test('glorot run works from any directory (workers find their own dependencies) and reports failures in its exit code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-cwd-'));
  try {
    const experiment = {
      name: 'tiny',
      base: { dataset: 'shapeset', validationSize: 50, testSize: 50, hidden: [8, 8], updates: 30, probe: { interval: 10, size: 20, jacobianExamples: 0 } },
      variants: [
        { label: 'Tanh', activation: 'tanh', init: 'standard' },
        { label: 'Tanh N', activation: 'tanh', init: 'normalized' },
      ],
      learningRates: [0.1],
    };
    writeFileSync(join(dir, 'exp.json'), JSON.stringify(experiment));
    const r = spawnSync(process.execPath, [BIN, 'run', 'exp.json', '--jobs', '2', '--out', 'out'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /runs: 2 finished/);
    assert.doesNotMatch(r.stdout + r.stderr, /ERR_MODULE_NOT_FOUND|at .*\.ts:\d+/);
    // a run that cannot start (its dataset is missing) makes the command fail
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...experiment, name: 'bad', base: { ...experiment.base, dataset: 'mnist', dataDir: join(dir, 'none'), validationSize: undefined, testSize: undefined } }));
    const bad = spawnSync(process.execPath, [BIN, 'run', 'bad.json', '--out', 'out2'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.notEqual(bad.status, 0, bad.stdout + bad.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('glorot run prints the warnings of the runs in its worker processes (here: a probe set larger than the test split)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-notice-'));
  try {
    const experiment = {
      name: 'notice',
      base: { dataset: 'shapeset', validationSize: 20, testSize: 5, hidden: [8], updates: 20, probe: { interval: 10, size: 20, jacobianExamples: 0 } },
      variants: [{ label: 'Tanh', activation: 'tanh', init: 'standard' }],
      learningRates: [0.1],
    };
    writeFileSync(join(dir, 'exp.json'), JSON.stringify(experiment));
    const r = spawnSync(process.execPath, [BIN, 'run', 'exp.json', '--jobs', '1', '--out', 'out'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /warning: run \S+: the test split has 5 examples, fewer than probe\.size 20/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
