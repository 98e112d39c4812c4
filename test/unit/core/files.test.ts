/**
 * "A directory where a file is expected" and its kin, through every reader of a file a user names
 * (issue 15, item 8): the --config/experiment JSON reader, IDX and CIFAR-10 files, an image of a
 * folder dataset, a checkpoint manifest. Each reader × each kind of wrong path gives a typed error
 * naming the path and saying what is there — never a bare EISDIR, never "missing" for a link loop,
 * never ENOENT alone for a name whose bytes are not UTF-8.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { readExperiment } from '../../../src/config/experiment.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { readInputFile } from '../../../src/core/files.ts';
import { readJsonFile } from '../../../src/core/json.ts';
import { openDataset } from '../../../src/data/dataset.ts';
import { CheckpointError, checkpointDir, readCheckpoint, writeCheckpoint } from '../../../src/store/checkpoint.ts';
import { cifarBatch, tempDir, writeIdxSet } from '../../helpers/data.ts';

/** A wrong thing at a path where a file is expected, and the words the message must use for it. */
interface Wrong {
  readonly kind: string;
  /** Puts it at `path` (which does not exist yet). */
  readonly make: (path: string) => void;
  readonly words: RegExp;
}

const WRONG: readonly Wrong[] = [
  { kind: 'a directory', make: (p) => mkdirSync(p), words: /found a directory$/ },
  { kind: 'a symbolic link loop', make: (p) => { symlinkSync(`${p}.b`, p); symlinkSync(p, `${p}.b`); }, words: /found a symbolic link loop \(ELOOP\)/ },
  { kind: 'a link to a missing file', make: (p) => symlinkSync(`${p}.gone`, p), words: /found a symbolic link to a missing target \(".*\.gone"\)$/ },
  { kind: 'a link to a device', make: (p) => symlinkSync('/dev/zero', p), words: /found a device, not a regular file$/ },
  { kind: 'a link to a directory', make: (p) => symlinkSync('/tmp', p), words: /found a directory$/ },
];

/** Each reader: where it expects a file under `dir` (set up around it), and how it is called. */
interface Reader {
  readonly name: string;
  readonly setup: (dir: string) => string;
  readonly read: (dir: string) => unknown;
}

const READERS: readonly Reader[] = [
  { name: 'readInputFile', setup: (d) => join(d, 'f'), read: (d) => readInputFile(join(d, 'f'), 'a file') },
  { name: 'readJsonFile (--config)', setup: (d) => join(d, 'c.json'), read: (d) => readJsonFile(join(d, 'c.json'), 'a training configuration') },
  { name: 'readExperiment', setup: (d) => join(d, 'e.json'), read: (d) => readExperiment(join(d, 'e.json')) },
  {
    name: 'IDX images (idx:<dir>)',
    setup: (d) => {
      writeIdxSet(d, [0, 1, 0], [1], { rows: 2, cols: 2 });
      rmSync(join(d, 'train-images-idx3-ubyte'));
      return join(d, 'train-images-idx3-ubyte');
    },
    read: (d) => openDataset(`idx:${d}`, { validationSize: 1 }),
  },
  {
    name: 'IDX labels (mnist)',
    setup: (d) => {
      writeIdxSet(d, [0, 1, 0], [1]);
      rmSync(join(d, 't10k-labels-idx1-ubyte'));
      return join(d, 't10k-labels-idx1-ubyte');
    },
    read: (d) => openDataset('mnist', { dataDir: d, validationSize: 1 }),
  },
  {
    name: 'a CIFAR-10 batch',
    setup: (d) => {
      for (const f of ['data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin']) writeFileSync(join(d, f), cifarBatch([1, 2], () => 7));
      return join(d, 'data_batch_1.bin');
    },
    read: (d) => openDataset('cifar10', { dataDir: d, validationSize: 1 }),
  },
  {
    name: 'an image of a folder dataset',
    setup: (d) => {
      mkdirSync(join(d, 'set', 'cat'), { recursive: true });
      mkdirSync(join(d, 'set', 'dog'));
      const png = new PNG({ width: 2, height: 2 });
      png.data.fill(200);
      writeFileSync(join(d, 'set', 'dog', 'y.png'), PNG.sync.write(png));
      return join(d, 'set', 'cat', 'x.png');
    },
    read: (d) => openDataset(`folder:${join(d, 'set')}`, { testSize: 0, validationSize: 0, imageSize: 2 }),
  },
  {
    name: 'a checkpoint manifest',
    setup: (d) => {
      writeCheckpoint(d, 'r', 1, { m: new Uint8Array([1]) }, {});
      const manifest = join(checkpointDir(d, 'r'), 'manifest.json');
      rmSync(manifest);
      return manifest;
    },
    read: (d) => readCheckpoint(d, 'r'),
  },
];

test(`every reader of a user's file says what is at the path (${READERS.length} readers × ${WRONG.length} wrong things)`, async () => {
  const root = tempDir('wrong-paths');
  let n = 0;
  for (const reader of READERS) {
    for (const wrong of WRONG) {
      // a folder dataset lists `x.png` only as a file name, so a directory named x.png is no image: skipped, not read
      if (reader.name.startsWith('an image') && wrong.kind === 'a link to a directory') continue;
      const dir = join(root, String(n++));
      mkdirSync(dir);
      const path = reader.setup(dir);
      wrong.make(path);
      const at = `${reader.name}, ${wrong.kind}`;
      const error = await (async () => {
        try {
          await reader.read(dir);
        } catch (e) {
          return e;
        }
        return assert.fail(`${at}: no error`);
      })();
      assert.ok(error instanceof InvalidInputError || error instanceof CheckpointError, `${at}: ${String(error)}`);
      const message = (error as Error).message;
      assert.ok(message.includes(path), `${at}: the message names ${path}: ${message}`);
      assert.match(message, wrong.words, at);
      assert.doesNotMatch(message, /^E[A-Z]+:|illegal operation/, `${at}: a bare errno`);
    }
  }
  assert.ok(n >= 38, `${n} cases`);
});

test('a missing file, an empty path, a file below a file, a name that is not UTF-8: each said so', () => {
  const dir = tempDir('wrong-names');
  writeFileSync(join(dir, 'plain'), '{}');
  // Node turns the bytes of a name that is not UTF-8 into U+FFFD, so that name can never be opened
  writeFileSync(Buffer.from(join(dir, 'bad\xff.json'), 'latin1'), '{}');
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    [join(dir, 'nope.json'), /: expected a readable file \(a training configuration, JSON\), found nothing \(no such file\)$/],
    ['', /expected a readable file \(a training configuration, JSON\), found an empty path$/],
    [join(dir, 'plain', 'below.json'), /found nothing: a directory on its path is a file \(ENOTDIR\)$/],
    [join(dir, 'bad\uFFFD.json'), /found nothing: the name holds bytes that are not UTF-8 \(shown as \uFFFD\), which Node cannot open; rename it/],
  ];
  for (const [path, words] of cases) {
    assert.throws(() => readJsonFile(path, 'a training configuration'), (e: unknown) => e instanceof InvalidInputError && e.file === path && words.test(e.message), path);
  }
});
