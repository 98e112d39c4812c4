/**
 * Malformed and hostile inputs through the real command line (issue 15, items 6–8), one table: each
 * input gets exit status 1 (2 for a command line that cannot be run: src/cli/exit.ts) and one clear message naming the file, field or option (never a stack
 * trace), and nothing glorot prints holds a raw control character (item 7). The unit tests check each
 * kind in depth; this checks that the CLI shows what they promise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { writeIdxSet } from '../../helpers/data.ts';

const GLOROT = join(process.cwd(), 'bin/glorot.js');
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const EXPERIMENT = { name: 'e1', base: { hidden: [8], updates: 10, validationSize: 20, testSize: 20, probe: { interval: 5, size: 10 } }, variants: [{ label: 'Tanh N', activation: 'tanh', init: 'normalized' }], learningRates: [0.01] };

/** One input: a name, how to set it up in a fresh directory, the arguments, and what stderr must say. */
interface Case {
  readonly what: string;
  readonly setup?: (dir: string) => void;
  readonly args: (dir: string) => string[];
  readonly stderr: RegExp;
  readonly status?: number;
  readonly after?: (dir: string, stdout: string) => void;
}

const png = (): Buffer => {
  const p = new PNG({ width: 2, height: 2 });
  p.data.fill(90);
  return PNG.sync.write(p);
};

/** A run record holding one run whose id was changed outside glorot. */
const tampered = (dir: string): void => {
  const db = new Database(join(dir, 'out', 'glorot.sqlite'));
  db.pragma('foreign_keys = OFF');
  db.prepare('UPDATE runs SET id = ?').run('../../evil');
  db.close();
};

const CASES: readonly Case[] = [
  // item 6: paths
  {
    what: 'export --csv "" (once wrote into the current directory)',
    setup: (d) => writeFileSync(join(d, 'README.txt'), 'mine'),
    args: () => ['export', 'r', '--csv', ''],
    stderr: /^error: option '--csv \[dir\]' argument '' is invalid\. --csv is empty: expected a directory\n/,
    status: 2,
    after: (d) => assert.equal(readFileSync(join(d, 'README.txt'), 'utf8'), 'mine'),
  },
  { what: 'runs --out ""', args: () => ['runs', '--out', ''], stderr: /--out is empty: expected a directory/, status: 2 },
  { what: 'train --config ""', args: () => ['train', '--config', ''], stderr: /--config is empty: expected a file name/, status: 2 },
  { what: 'run ""', args: () => ['run', ''], stderr: /<experiment> is empty: expected a file name/, status: 2 },
  { what: 'data info ""', args: () => ['data', 'info', ''], stderr: /<dataset> is empty: expected a dataset name/, status: 2 },
  { what: 'show ../x', args: () => ['show', '../x'], stderr: /argument 'run'\. expected a run id: .*found "\.\.\/x"/, status: 2 },
  {
    what: 'a record holding a tampered run id',
    setup: (d) => {
      mkdirSync(join(d, 'out'));
      spawnSync(process.execPath, [GLOROT, 'train', '--out', join(d, 'out'), '--widths', '4', '--updates', '2', '--validation-size', '10', '--test-size', '10', '--probe-size', '5', '--run-id', 'r'], { encoding: 'utf8' });
      tampered(d);
    },
    args: (d) => ['runs', '--out', join(d, 'out')],
    stderr: /glorot\.sqlite holds the run id "\.\.\/\.\.\/evil", which glorot never writes .*glorot will not use it\n$/,
  },
  // item 7: hostile names are shown, never obeyed
  {
    what: 'class folders named with escape sequences (data info)',
    setup: (d) => {
      for (const c of ['\u001b]0;pwned\u0007cat', '\u001b[31mdog\u009b0m']) {
        mkdirSync(join(d, 'set', c), { recursive: true });
        for (const f of ['a.png', 'b.png']) writeFileSync(join(d, 'set', c, f), png());
      }
    },
    args: (d) => ['data', 'info', `folder:${join(d, 'set')}`, '--image-size', '2', '--test-size', '1', '--validation-size', '1'],
    stderr: /^$/,
    status: 0,
    after: (_d, stdout) => assert.ok(stdout.includes('\\u001b]0;pwned\\u0007cat') && stdout.includes('\\u009b0m'), stdout),
  },
  { what: 'an error quoting a hostile file name', args: () => ['train', '--config', '\u001b]0;pwned\u0007.json'], stderr: /^glorot: --config \\u001b\]0;pwned\\u0007\.json: expected a readable file/ },
  { what: 'a usage error quoting a hostile value', args: () => ['show', '\u001b[2J\u001b[H'], stderr: /command-argument value '\\u001b\[2J\\u001b\[H' is invalid for argument 'run'/, status: 2 },
  // item 8: errors that named nothing
  {
    what: 'a directory where an IDX file is expected',
    setup: (d) => {
      writeIdxSet(d, [0, 1, 0], [1], { rows: 2, cols: 2 });
      rmSync(join(d, 'train-images-idx3-ubyte'));
      mkdirSync(join(d, 'train-images-idx3-ubyte'));
    },
    args: (d) => ['data', 'info', `idx:${d}`],
    stderr: /train-images-idx3-ubyte: expected a readable file \(IDX images\), found a directory\n$/,
  },
  {
    what: 'a symbolic link loop where a CIFAR-10 batch is expected',
    setup: (d) => {
      mkdirSync(join(d, 'c'));
      symlinkSync(join(d, 'c', 'x'), join(d, 'c', 'data_batch_1.bin'));
      symlinkSync(join(d, 'c', 'data_batch_1.bin'), join(d, 'c', 'x'));
      for (const f of ['data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) writeFileSync(join(d, 'c', f), '');
    },
    args: (d) => ['data', 'info', 'cifar10', '--data-dir', join(d, 'c')],
    stderr: /data_batch_1\.bin: expected a readable file \(a CIFAR-10 batch\), found a symbolic link loop \(ELOOP\)/,
  },
  {
    what: 'a named pipe as --config (would block forever)',
    setup: (d) => spawnSync('mkfifo', [join(d, 'fifo.json')]),
    args: (d) => ['train', '--config', join(d, 'fifo.json')],
    stderr: /fifo\.json: expected a readable file \(a training configuration, JSON\), found a named pipe \(FIFO\), not a regular file\n$/,
  },
  {
    what: 'an experiment file whose name is not UTF-8',
    setup: (d) => writeFileSync(Buffer.from(join(d, 'e\xff.json'), 'latin1'), JSON.stringify(EXPERIMENT)),
    args: (d) => ['run', join(d, 'e\uFFFD.json'), '--dry-run'],
    stderr: /found nothing: the name holds bytes that are not UTF-8/,
  },
  {
    what: 'an experiment nested 100,000 deep',
    setup: (d) => writeFileSync(join(d, 'e.json'), `{"name":"e1","base":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    args: (d) => ['run', join(d, 'e.json'), '--dry-run'],
    stderr: /e\.json: expected JSON \(an experiment\), found arrays or objects nested more than 64 levels deep \(at line 1, column 84\)\n$/,
  },
  {
    what: 'an experiment with a UTF-8 byte-order mark, lr 1e21 (accepted, with a valid run id)',
    setup: (d) => writeFileSync(join(d, 'e.json'), `\uFEFF${JSON.stringify({ ...EXPERIMENT, learningRates: [1e21] })}`),
    args: (d) => ['run', join(d, 'e.json'), '--dry-run', '--out', join(d, 'out')],
    stderr: /^$/,
    status: 0,
    after: (_d, stdout) => assert.match(stdout, /\n {2}e1-tanh-n-lr1e21-s1\n$/),
  },
  {
    what: 'base.hidden [1e9] in an experiment',
    setup: (d) => writeFileSync(join(d, 'e.json'), JSON.stringify({ ...EXPERIMENT, base: { ...EXPERIMENT.base, hidden: [1e9] } })),
    args: (d) => ['run', join(d, 'e.json'), '--dry-run', '--out', join(d, 'out')],
    stderr: /e\.json: experiment e1, variant "Tanh N": base\.hidden: expected hidden-layer widths whose weights fit: /,
  },
  {
    what: 'a run id too long for the rule',
    setup: (d) => writeFileSync(join(d, 'e.json'), JSON.stringify({ ...EXPERIMENT, name: 'n'.repeat(41), variants: [{ label: 'l'.repeat(40), activation: 'tanh', init: 'normalized' }] })),
    args: (d) => ['run', join(d, 'e.json'), '--dry-run', '--out', join(d, 'out')],
    stderr: /e\.json: experiment n{41}, the id of the run of variant "l{40}", learning rate 0\.01, seed 1: expected a run id: .*\(92 characters\)/,
  },
  {
    what: 'a label byte of 255 in an IDX set',
    setup: (d) => writeIdxSet(d, [0, 1, 255, 1], [0], { rows: 2, cols: 2 }),
    args: (d) => ['data', 'info', `idx:${d}`],
    stderr: /train-labels-idx1-ubyte: label of item 2: expected a class from 0 to 1 \(labels are numbered 0, 1, 2, … without gaps; no training label is 2\), found 255\n$/,
  },
  {
    what: 'a damaged run record',
    setup: (d) => {
      mkdirSync(join(d, 'out'));
      spawnSync(process.execPath, [GLOROT, 'train', '--out', join(d, 'out'), '--widths', '4', '--updates', '2', '--validation-size', '10', '--test-size', '10', '--probe-size', '5', '--run-id', 'r'], { encoding: 'utf8' });
      const db = new Database(join(d, 'out', 'glorot.sqlite'));
      db.pragma('wal_checkpoint(TRUNCATE)');
      const root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'runs'").get() as { rootpage: number }).rootpage;
      db.close();
      const bytes = readFileSync(join(d, 'out', 'glorot.sqlite'));
      bytes.fill(0, (root - 1) * 4096, root * 4096);
      writeFileSync(join(d, 'out', 'glorot.sqlite'), bytes);
    },
    args: (d) => ['show', 'r', '--out', join(d, 'out')],
    stderr: /^glorot: .*\/out\/glorot\.sqlite is damaged: .*cannot be trusted/,
  },
];

test(`${CASES.length} malformed or hostile inputs: a clear message naming the thing, no stack trace, no raw control character`, () => {
  for (const c of CASES) {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-malformed-'));
    try {
      c.setup?.(dir);
      const r = spawnSync(process.execPath, [GLOROT, ...c.args(dir)], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, c.status ?? 1, `${c.what}: status ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, c.stderr, c.what);
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `${c.what}: a stack trace`);
      assert.ok(!RAW_CONTROL.test(r.stderr) && !RAW_CONTROL.test(r.stdout), `${c.what}: a raw control character`);
      c.after?.(dir, r.stdout);
      assert.ok(!existsSync(join(dir, '..', 'evil')), `${c.what}: wrote outside its directory`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
