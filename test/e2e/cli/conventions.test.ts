/**
 * What users of argparse, tqdm and Lightning tools expect of a command line (issue 15, item 10),
 * through the real `glorot`: `--version`; exit 2 for a command line that cannot be run and 1 for a
 * command that ran and failed (src/cli/exit.ts decides both); progress on stderr with the current
 * rate and the time left; `train --json` prints the result alone on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GLOROT = join(process.cwd(), 'bin/glorot.js');
const TINY = ['--widths', '4', '--updates', '40', '--validation-size', '10', '--test-size', '10', '--probe-size', '5'];

/** Runs glorot in directory `cwd`. */
function glorot(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [GLOROT, ...args], { cwd, encoding: 'utf8', env, timeout: 600_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('glorot --version and -V print the package version and exit 0', () => {
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = glorot(process.cwd(), [flag]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `glorot ${version}\n`);
  }
});

test('exit 2 for every command line that cannot be run (nothing is started), exit 1 for a command that ran and failed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-conventions-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{"learningRate": ');
    const usage: Array<[string[], RegExp, NodeJS.ProcessEnv?]> = [
      [['trian'], /unknown command 'trian'/],
      [['train', '--bogus'], /unknown option '--bogus'/],
      [['train', '--lr', '0'], /--lr: expected a finite number > 0, found 0/],
      [['train', '--widths', '8', '--depth', '2'], /--widths cannot be combined with --depth\/--width/],
      [['train', '--resume', 'r', '--lr', '0.1'], /--resume continues a run with its stored configuration: --lr cannot be given with it/],
      [['backend'], /GLOROT_THREADS: expected a whole number of threads/, { ...process.env, GLOROT_THREADS: 'many' }],
      [['reproduce', '--datasets', ','], /--datasets: expected at least one dataset name/],
      [['export', 'r', '--out', dir], /export: choose what to write/],
      [['export', 'r', '--all', '--csv', '--out', dir], /export: give either a run \(r\) or --all, not both/],
      [['export', '--csv', '--out', dir], /export: name a run \(see glorot runs\) or give --all/],
      [['export', '--all', '--pytorch', '--out', dir], /export: --pytorch takes one run, not --all/],
      [['data', 'export', 'shapeset', '--split', 'train', '--format', 'npz', '--out', join(dir, 'x.npz')], /--n: the train split is a stream/],
      [['data', 'export', 'shapeset', '--split', 'valid', '--format', 'csv', '--out', join(dir, 'x.csv')], /--format: expected idx, npz, found "csv"/],
      [['eval', join(dir, 'm.safetensors')], /give --dataset/],
      [['eval', 'r', '--activation', 'relu6', '--out', dir], /activation: expected one of/],
      [['import', join(dir, 'm.safetensors'), '--activation', 'relu6', '--out', dir], /activation: expected one of/],
      [['data', 'info', 'shapeset', '--n', 'lots'], /--n: expected an integer/],
      [['data', 'preview', 'shapeset', '--out', join(dir, 'p.gif')], /--out: expected a file name ending in \.png/],
      [[], /Usage: glorot/],
    ];
    for (const [args, stderr, env] of usage) {
      const r = glorot(dir, args, env);
      assert.equal(r.status, 2, `glorot ${args.join(' ')}: ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, stderr, args.join(' '));
    }
    const runtime: Array<[string[], RegExp]> = [
      [['train', '--config', join(dir, 'missing.json')], /missing\.json: expected a readable file/],
      [['train', '--config', join(dir, 'bad.json')], /bad\.json: expected JSON/],
      [['data', 'preview', 'shapeset', '--out', join(dir, 'no', 'p.png')], /the directory .* does not exist/],
    ];
    for (const [args, stderr] of runtime) {
      const r = glorot(dir, args);
      assert.equal(r.status, 1, `glorot ${args.join(' ')}: ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, stderr, args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('glorot train --json: the result alone on stdout (JSON), progress with rate and time left on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-json-'));
  try {
    // with a live TensorBoard log too: its notice is information, on stderr (stdout stays one JSON value)
    const r = glorot(dir, ['train', ...TINY, '--out', join(dir, 'out'), '--run-id', 'j', '--json', '--tensorboard']);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { run: { id: string; status: string; config: { updates: number } }; test: { errorRate: number; examples: number }; record: string };
    assert.equal(result.run.id, 'j');
    assert.equal(result.run.status, 'finished');
    assert.equal(result.run.config.updates, 40);
    assert.equal(result.test.examples, 10);
    assert.ok(result.test.errorRate >= 0 && result.test.errorRate <= 100);
    assert.equal(result.record, `${join(dir, 'out')}/glorot.sqlite`);
    // progress (plain lines: stderr is no terminal here) and the backend go to stderr
    assert.match(r.stderr, /^backend /m);
    assert.match(r.stderr, /^TensorBoard: logs written live into /m);
    assert.match(r.stderr, /^j: update 40\/40 · [\d.]+ upd\/s · ETA 0 s · loss [\d.]+ · test err [\d.]+%$/m);
    // without --json the result is text on stdout, and still no progress there
    const text = glorot(dir, ['train', ...TINY, '--out', join(dir, 'out'), '--run-id', 't']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^run t: finished\n/);
    assert.doesNotMatch(text.stdout, /upd\/s|^backend /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
