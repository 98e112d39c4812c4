import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT_DIR, openRunStore } from '../../../src/store/index.ts';
import { syntheticPoint, tempDir } from '../../helpers/store.ts';
import type { ScalarRecord } from '../../../src/core/metrics.ts';

const BIN = fileURLToPath(new URL('../../../bin/glorot.js', import.meta.url));

function glorot(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GLOROT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp dir whose default output directory holds two runs. */
function fixture(): { dir: string; cleanup: () => void } {
  const t = tempDir();
  const store = openRunStore(join(t.dir, DEFAULT_OUT_DIR));
  const a = store.createRun({ config: { activation: 'tanh', init: 'normalized', depth: 3 }, seed: 1, backend: 'wasm', threads: 1 });
  for (const u of [0, 100]) store.recordProbePoint(a.id, u, syntheticPoint(u));
  store.setStatus(a.id, 'diverged', 'loss became NaN at update 150');
  store.createRun({ config: { activation: 'sigmoid', widths: [10, 10, 10, 10] }, seed: 2, backend: 'native', threads: 2 });
  store.close();
  return t;
}

test('glorot runs: a table with config columns and the last test error, and --json', () => {
  const { dir, cleanup } = fixture();
  try {
    const r = glorot(dir, 'runs');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^id\s+status\s+activation\s+init\s+depth\s+last update\s+test error %\s+created$/);
    assert.match(lines[1]!, /^tanh-normalized-d3-s1\s+diverged\s+tanh\s+normalized\s+3\s+100\s+59\s+\d{4}-/);
    // a run recorded as created whose trainer holds no lock: its process is gone (issue 15 item 3)
    assert.match(lines[2]!, /^sigmoid-d4-s2\s+created, process gone\*\s+sigmoid\s+-\s+4\s+-\s+-\s+/);
    assert.deepEqual(lines.slice(3), [
      '',
      `* sigmoid-d4-s2: the record says created, but no process holds its lock (no ${join(DEFAULT_OUT_DIR, 'locks', 'sigmoid-d4-s2.lock')}); ` +
        `resume it with: glorot train --resume sigmoid-d4-s2 --out ${DEFAULT_OUT_DIR} (or re-run the reproduce/run command that started it)`,
    ]);
    const j = glorot(dir, 'runs', '--json');
    assert.equal(j.code, 0, j.stderr);
    const runs = JSON.parse(j.stdout) as Array<{ id: string; lastTestError: number | null; statusDetail: string | null }>;
    assert.deepEqual(runs.map((x) => [x.id, x.lastTestError]), [['tanh-normalized-d3-s1', 59], ['sigmoid-d4-s2', null]]);
    assert.equal(runs[0]!.statusDetail, 'loss became NaN at update 150');
  } finally {
    cleanup();
  }
});

test('glorot show: config, status and latest statistics per layer; --json', () => {
  const { dir, cleanup } = fixture();
  try {
    const r = glorot(dir, 'show', 'tanh-normalized-d3-s1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^status\s+diverged \(loss became NaN at update 150\)$/m);
    assert.match(r.stdout, /^\s+activation\s+tanh$/m);
    assert.match(r.stdout, /latest statistics per layer \(update 100\)/);
    assert.match(r.stdout, /^\s+name\s+layer1\s+layer2\s+layer3\s+network$/m);
    // activation.std of layer 2 at update 100 = 100 + 0.2 + 0.01, printed to 4 significant digits
    assert.match(r.stdout, /^\s+activation\.std\s+100\.1\s+100\.2\s+100\.3$/m);
    assert.match(r.stdout, /^\s+test\s+100\s+59\s+2\.5\s+300$/m);
    const j = JSON.parse(glorot(dir, 'show', 'tanh-normalized-d3-s1', '--json').stdout) as {
      run: { id: string };
      latestScalars: Array<Record<string, unknown>>;
      latestEvaluations: Array<Record<string, unknown>>;
    };
    assert.equal(j.run.id, 'tanh-normalized-d3-s1');
    assert.equal(j.latestScalars.length, 10);
    // the JSON output calls the update counter `updates`, as the record does
    assert.deepEqual(j.latestScalars[0], { name: 'activation.mean', layer: 1, updates: 100, value: 100.1 });
    assert.deepEqual(Object.keys(j.latestEvaluations[0]!).sort(), ['errorRate', 'examples', 'nll', 'split', 'updates']);
    const empty = glorot(dir, 'show', 'sigmoid-d4-s2');
    assert.match(empty.stdout, /no statistics recorded yet/);
  } finally {
    cleanup();
  }
});

test('glorot show: the predictions stored at init beside the measurements — mean-field, population, linear — with their errors, and in --json', () => {
  const t = tempDir();
  try {
    const store = openRunStore(join(t.dir, DEFAULT_OUT_DIR));
    const run = store.createRun({ config: { activation: 'tanh', init: 'normalized', hidden: [4, 4] }, seed: 1, backend: 'wasm', threads: 1 });
    const scalars: ScalarRecord[] = [];
    for (let k = 1; k <= 3; k++) {
      if (k < 3) {
        scalars.push({ layer: k, name: 'activation.std', value: 0.5 }); // Var[z] = 0.25
        scalars.push({ layer: k, name: 'meanfield.activation.var', value: 0.2525 });
        scalars.push({ layer: k, name: 'meanfield.population.activation.var', value: 0.27 });
        scalars.push({ layer: k, name: 'theory.activation.var', value: 0.5 });
      }
      scalars.push({ layer: k, name: 'backprop_grad.std', value: 0.1 }); // Var[∂C/∂s] = 0.01
      scalars.push({ layer: k, name: 'meanfield.backprop_grad.var', value: 0.0098 });
      scalars.push({ layer: k, name: 'weight_grad.per_example_var', value: 1e-4 });
    }
    store.recordProbePoint(run.id, 0, { scalars, histograms: [], evaluations: [] });
    store.close();
    const r = glorot(t.dir, 'show', run.id);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^predicted vs measured at initialization \(update 0;/m);
    assert.match(r.stdout, /^\s+Var\[z\]\s+2\s+0\.25\s+0\.2525 \(\+1\.0%\)\s+0\.27 \(\+8\.0%\)\s+0\.5 \(\+100\.0%\)$/m);
    assert.match(r.stdout, /^\s+Var\[∂C\/∂s\]\s+3\s+0\.01\s+0\.0098 \(-2\.0%\)\s+-\s+-$/m);
    const j = JSON.parse(glorot(t.dir, 'show', run.id, '--json').stdout) as { initTheory: Array<{ quantity: string; layer: number; meanFieldError: number | null }> };
    const row = j.initTheory.find((x) => x.quantity === 'activation' && x.layer === 1)!;
    assert.ok(Math.abs(row.meanFieldError! - 0.01) < 1e-12);
    assert.equal(j.initTheory.filter((x) => x.quantity === 'weight_grad').length, 0, 'no prediction of Var[∂C/∂W] stored: no row');
  } finally {
    t.cleanup();
  }
});

test('glorot export: --csv and --tensorboard to default and given paths', () => {
  const { dir, cleanup } = fixture();
  try {
    const r = glorot(dir, 'export', 'tanh-normalized-d3-s1', '--csv', '--tensorboard', 'tb/x');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CSV: 2 probe points, 20 scalars, 12 histograms/);
    const csv = join(dir, DEFAULT_OUT_DIR, 'csv', 'tanh-normalized-d3-s1', 'scalars.csv');
    assert.ok(existsSync(csv));
    assert.equal(readFileSync(csv, 'utf8').trim().split('\n').length, 21);
    assert.equal(readdirSync(join(dir, 'tb', 'x')).filter((f) => f.includes('tfevents')).length, 1);
    assert.match(r.stdout, /view with: tensorboard --logdir tb/);
  } finally {
    cleanup();
  }
});

test('glorot export --all: every run into <root>/<run>, default and given roots; a run or --all, not neither nor both (issue 15 item 11)', () => {
  const { dir, cleanup } = fixture();
  try {
    const ids = ['tanh-normalized-d3-s1', 'sigmoid-d4-s2'];
    const r = glorot(dir, 'export', '--all', '--csv', '--tensorboard');
    assert.equal(r.code, 0, r.stderr);
    for (const id of ids) {
      assert.ok(existsSync(join(dir, DEFAULT_OUT_DIR, 'csv', id, 'scalars.csv')), id);
      assert.equal(readdirSync(join(dir, DEFAULT_OUT_DIR, 'tensorboard', id)).filter((f) => f.includes('tfevents')).length, 1, id);
      assert.equal(readdirSync(join(dir, DEFAULT_OUT_DIR, 'tensorboard', id, 'by_probe')).length, 1, id);
    }
    assert.match(r.stdout, /^tanh-normalized-d3-s1: TensorBoard: 2 probe points/m);
    assert.match(r.stdout, /^sigmoid-d4-s2: TensorBoard: 0 probe points/m);
    assert.match(r.stdout, new RegExp(`view with: tensorboard --logdir ${join(DEFAULT_OUT_DIR, 'tensorboard')}$`, 'm'));
    const given = glorot(dir, 'export', '--all', '--tensorboard', 'tb');
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual(readdirSync(join(dir, 'tb')).sort(), [...ids].sort());
    const neither = glorot(dir, 'export', '--csv');
    assert.equal(neither.code, 2, 'a command line that cannot be run');
    assert.match(neither.stderr, /export: name a run \(see glorot runs\) or give --all/);
    const both = glorot(dir, 'export', ids[0]!, '--all', '--csv');
    assert.equal(both.code, 2, 'a command line that cannot be run');
    assert.match(both.stderr, /give either a run \(tanh-normalized-d3-s1\) or --all, not both/);
  } finally {
    cleanup();
  }
});

test('CLI errors: unknown run lists the runs, missing record, missing format, bad option', () => {
  const { dir, cleanup } = fixture();
  try {
    const unknown = glorot(dir, 'show', 'tanh');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no run "tanh" in glorot-out\/glorot\.sqlite; runs there: tanh-normalized-d3-s1, sigmoid-d4-s2/);
    const exportUnknown = glorot(dir, 'export', 'nope', '--csv');
    assert.equal(exportUnknown.code, 1);
    assert.match(exportUnknown.stderr, /no run "nope"/);
    const missing = glorot(dir, 'runs', '--out', 'elsewhere');
    assert.equal(missing.code, 1);
    // the store names the directory's role; the CLI leads with the flag that chose it
    assert.match(missing.stderr, /^glorot: --out: no run record in elsewhere \(no elsewhere\/glorot\.sqlite\): train a run there first, or give the output directory/);
    assert.ok(!existsSync(join(dir, 'elsewhere')), 'a read command must not create the directory');
    const noFormat = glorot(dir, 'export', 'tanh-normalized-d3-s1');
    assert.equal(noFormat.code, 2, 'a command line that cannot be run');
    assert.match(noFormat.stderr, /choose what to write: --csv \[dir\], --tensorboard \[dir\] and\/or --pytorch \[file\]/);
    const bad = glorot(dir, 'runs', '--bogus');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown option '--bogus'/);
  } finally {
    cleanup();
  }
});

test('glorot export: a --csv or --tensorboard path that is a file is named with its option, and nothing is written', () => {
  const { dir, cleanup } = fixture();
  try {
    writeFileSync(join(dir, 'file1'), 'mine');
    const csv = glorot(dir, 'export', 'tanh-normalized-d3-s1', '--csv', 'file1');
    assert.equal(csv.code, 1);
    assert.equal(csv.stderr, 'glorot: --csv file1: expected a directory to write into, found an existing file; give another directory\n');
    const under = glorot(dir, 'export', 'tanh-normalized-d3-s1', '--tensorboard', 'file1/tb');
    assert.equal(under.code, 1);
    assert.equal(under.stderr, `glorot: --tensorboard file1/tb: expected a directory to write into, but ${join(dir, 'file1')} is a file; give another directory\n`);
    // both paths are checked first: a bad --tensorboard leaves no half-done CSV export behind
    const both = glorot(dir, 'export', 'tanh-normalized-d3-s1', '--csv', 'c', '--tensorboard', 'file1');
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^glorot: --tensorboard file1: expected a directory/);
    assert.ok(!existsSync(join(dir, 'c')));
    assert.equal(readFileSync(join(dir, 'file1'), 'utf8'), 'mine', 'the file is untouched');
  } finally {
    cleanup();
  }
});

test('glorot snapshot: prints what it carries and how to resume; its errors name --to, --checkpoints and --max-mb', () => {
  const { dir, cleanup } = fixture();
  try {
    const ok = glorot(dir, 'snapshot', '--to', 'snap');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^snapshot snap: \d+\.\d MB \(record \d+\.\d MB, checkpoints 0\.0 MB, other 0\.0 MB\)$/m);
    assert.match(ok.stdout, /without a checkpoint \(a resume restarts them from update 0.*\): sigmoid-d4-s2$/m);
    assert.match(ok.stdout, /resume there with the same command and --out snap$/m);
    assert.ok(existsSync(join(dir, 'snap', 'glorot.sqlite')) && existsSync(join(dir, 'snap', 'SNAPSHOT.json')));
    for (const [args, pattern] of [
      [['--to', DEFAULT_OUT_DIR], /^glorot: --to: expected a directory outside .*, found /m],
      [['--to', 's2', '--checkpoints', 'ghost'], /^glorot: --checkpoints: expected run ids of .*\(tanh-normalized-d3-s1, sigmoid-d4-s2\), found ghost$/m],
      [['--to', 's3', '--max-mb', '0.0001'], /^glorot: --max-mb: expected at least the snapshot's size, [\d.]+ MB \(record, 0 checkpoints\), found 0\.0001 MB$/m],
      [['--to', 's4', '--max-mb', 'ten'], /--max-mb.*expected a number, found "ten"/],
    ] as const) {
      const r = glorot(dir, 'snapshot', ...args);
      // text that is no number is a usage error (2); the others depend on the record and the disk (1)
      assert.equal(r.code, (args as readonly string[]).includes('ten') ? 2 : 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  } finally {
    cleanup();
  }
});
