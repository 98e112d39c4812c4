/**
 * The command line names a bad value by the flag the user typed, by the --config file that held it,
 * or by the environment variable (src/cli/flags.ts, src/cli/backend.ts): the learning rate, the
 * activation and the other training fields are checked once, by the schema.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_THREADS } from '../../../src/cli/backend.ts';

/** Runs `glorot` in a fresh output directory. */
function glorot(args: string[], files: Record<string, string> = {}): { status: number | null; stderr: string } {
  const out = mkdtempSync(join(tmpdir(), 'glorot-flags-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
    const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/glorot.js'), ...args, '--out', join(out, 'out')], { cwd: out, encoding: 'utf8' });
    // the backend line is information on stderr (src/cli/train.ts): the error is what follows it
    return { status: r.status, stderr: r.stderr.replace(/^backend .*\n/, '') };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

test('glorot train: the learning rate, activation and other fields are checked once, by the schema, and named by their flags', () => {
  const bad = glorot(['train', '--lr', '0', '--activation', 'gelu', '--minibatch', '2.5', '--widths', '8,0']);
  assert.equal(bad.status, 2, 'a configuration the schema refuses is a usage error (src/cli/exit.ts)');
  assert.equal(
    bad.stderr,
    'glorot: invalid training configuration:\n' +
      '  - --widths (hidden[1]): expected a whole number ≥ 1, found 0\n' +
      '  - --activation: expected one of sigmoid, tanh, softsign, relu, leaky_relu, elu, selu, linear, found "gelu"\n' +
      '  - --lr: expected a finite number > 0, found 0\n' +
      '  - --minibatch: expected a whole number ≥ 1, found 2.5\n',
  );
  // values from a --config file are named there; a flag overriding one is named as the flag
  const file = glorot(['train', '--config', 'c.json', '--gain', '-1'], { 'c.json': JSON.stringify({ learningRate: -0.5, probe: { bins: 0 } }) });
  assert.equal(
    file.stderr,
    'glorot: invalid training configuration:\n' +
      '  - --gain: expected a finite number ≥ 0, found -1\n' +
      '  - learningRate in c.json: expected a finite number > 0, found -0.5\n' +
      "  - probe.bins in c.json: expected a whole number from 1 to 10,000 (glorot's limit: every histogram is stored whole at every probe point), found 0\n",
  );
  // a dataset's own option check, named by the flag (was "option testSize")
  const data = glorot(['train', '--dataset', 'fashion-mnist', '--test-size', '5', '--width', '8', '--depth', '1', '--updates', '10']);
  assert.equal(data.stderr, 'glorot: fashion-mnist: --test-size: expected nothing (it does not apply: the IDX files fix it), found 5\n');
});

test('glorot train names the trainer\'s fields by their flags, and refuses flag text that is no number', () => {
  // the trainer says `hidden`; the user typed --width and --depth
  const wide = glorot(['train', '--width', '10000000', '--depth', '2', '--validation-size', '10', '--test-size', '10']);
  assert.equal(wide.status, 1);
  assert.match(
    wide.stderr,
    /^glorot: --width\/--depth: expected hidden-layer widths whose weights can be allocated \(use narrower layers\), found a 1024-10000000-10000000-9 network \(100,010,350,000,009 floats, 400\.0 TB\): /,
  );
  const text = glorot(['train', '--widths', '8,x']);
  assert.match(text.stderr, /^error: option '--widths <list>' argument '8,x' is invalid\. expected comma-separated numbers such as 1000,1000,500, found "8,x"\n/);
  assert.match(
    glorot(['train', '--resume', '']).stderr,
    /^error: option '--resume <run>' argument '' is invalid\. expected a run id: 1 to 64 lower-case letters, digits, "-", "_" or "\.", starting with a letter or digit \(e\.g\. tanh-normalized-d5-s1\), found ""\n/,
  );
  assert.equal(glorot(['reproduce', '--datasets', ' , ']).stderr, 'glorot: --datasets: expected at least one dataset name, found none\n');
});

test('glorot backend names the variable that holds a bad value', () => {
  const r = spawnSync(process.execPath, ['bin/glorot.js', 'backend'], { encoding: 'utf8', env: { ...process.env, GLOROT_THREADS: 'abc' } });
  assert.equal(r.status, 2, 'the variable stands in for --threads: a usage error');
  assert.equal(r.stderr, `glorot: GLOROT_THREADS: expected a whole number of threads from 1 to ${MAX_THREADS}, found "abc"\n`);
});
