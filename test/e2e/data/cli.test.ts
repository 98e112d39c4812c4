import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cifarBatch, tempDir, writeIdxSet } from '../../helpers/data.ts';

function glorot(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/glorot.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('glorot data info shapeset --json: splits, class frequencies, pixels, objects and rejections', () => {
  const r = glorot('data', 'info', 'shapeset', '--json', '--n', '3000', '--validation-size', '200', '--test-size', '100');
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout) as {
    name: string;
    splits: Record<string, { n: number; classCounts: number[]; pixels: { min: number; max: number; mean: number } }>;
    shapeset: { oneObject: number; rejectionsPerObject: number; dropped: number };
  };
  assert.equal(info.name, 'shapeset');
  assert.deepEqual([info.splits['train'].n, info.splits['validation'].n, info.splits['test'].n], [3000, 200, 100]);
  assert.equal(info.splits['train'].classCounts.reduce((a, b) => a + b, 0), 3000);
  assert.ok(info.splits['test'].pixels.min >= 0 && info.splits['test'].pixels.max <= 1);
  assert.ok(Math.abs(info.shapeset.oneObject - 0.5) < 0.04 && Math.abs(info.shapeset.rejectionsPerObject - 0.32) < 0.05);
  const text = glorot('data', 'info', 'shapeset', '--n', '500', '--validation-size', '10', '--test-size', '10');
  assert.match(text.stdout, /one object \d+\.\d%, two \d+\.\d% \(expected 50%\)/);
  assert.match(text.stdout, /8 two ellipses +\d+\.\d%/);
});

test('glorot data info on IDX files: one epoch of the training stream counts every training image', () => {
  const dir = tempDir('cli-idx');
  writeIdxSet(dir, [0, 1, 1, 2, 2, 2, 3, 9], [4, 5]);
  const r = glorot('data', 'info', 'mnist', '--data-dir', dir, '--validation-size', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { splits: Record<string, { n: number; classCounts: number[] }> };
  assert.deepEqual(info.splits['train'].classCounts, [1, 2, 3, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(info.splits['validation'].classCounts, [0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
});

test('glorot data preview: a PNG with one labelled row per class (shapeset at 64×64; CIFAR in colour)', () => {
  const out = join(tempDir('cli-preview'), 'shapes.png');
  const r = glorot('data', 'preview', 'shapeset', '--out', out, '--per-class', '3');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*shapes.png \(PNG, \d+×\d+ px\)/);
  const png = PNG.sync.read(readFileSync(out));
  // 9 rows of 64-pixel tiles (+ frame and gap) below a title.
  assert.ok(png.height > 9 * 66 && png.width > 3 * 66, `${png.width}×${png.height}`);

  const dir = tempDir('cli-cifar');
  for (let b = 1; b <= 6; b++) {
    const bytes = cifarBatch([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], (i, c) => (c === 0 ? 25 * i : c === 1 ? 0 : 255 - 25 * i));
    writeFileSync(join(dir, b <= 5 ? `data_batch_${b}.bin` : 'test_batch.bin'), bytes);
  }
  const colour = join(dir, 'cifar.png');
  assert.equal(glorot('data', 'preview', 'cifar10', '--data-dir', dir, '--validation-size', '10', '--out', colour).status, 0);
  const c = PNG.sync.read(readFileSync(colour));
  // Some pixel is strongly red and none green: the planes went to the right channels.
  let red = 0;
  let green = 0;
  for (let p = 0; p < c.data.length; p += 4) {
    if (c.data[p] > 200 && c.data[p + 1] < 10 && c.data[p + 2] < 60) red++;
    if (c.data[p + 1] > 200 && c.data[p] < 10) green++;
  }
  assert.ok(red > 0 && green === 0, `red ${red}, green ${green}`);
});

test('glorot data: errors are one clear line; exit 1 for a dataset that cannot be opened, 2 for a flag value refused', () => {
  const unknown = glorot('data', 'info', 'imagenet');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^glorot: dataset: expected one of shapeset, fashion-mnist, mnist, cifar10, idx:<dir> or folder:<dir> .*found "imagenet"\n$/);
  const badN = glorot('data', 'info', 'shapeset', '--n', 'lots');
  assert.equal(badN.status, 2);
  assert.match(badN.stderr, /^glorot: --n: expected an integer from 1 to 100000000, found "lots"/);
});

/** A folder dataset: classes a, b, c of 4 flat-grey 8×8 PNGs each (class k, image i: grey 50·k + 10·i, never the frames' 150). */
function writeFolder(root: string): string {
  const dir = join(root, 'toy');
  ['a', 'b', 'c'].forEach((name, k) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const p = new PNG({ width: 8, height: 8 });
      const v = 50 * k + 10 * i;
      for (let j = 0; j < 64; j++) p.data.set([v, v, v, 255], 4 * j);
      writeFileSync(join(dir, name, `${i}.png`), PNG.sync.write(p));
    }
  });
  return dir;
}

test('glorot data info: an empty split says "empty" and shows "—", never NaN or Infinity (JSON: null)', () => {
  const r = glorot('data', 'info', 'shapeset', '--validation-size', '0', '--test-size', '0', '--n', '100');
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /NaN|Infinity/);
  assert.match(r.stdout, /^validation {11}0 {12}— {8}— {8}— {8}— {3}\(empty\)$/m);
  assert.match(r.stdout, /^test {17}0 {12}— {8}— {8}— {8}— {3}\(empty\)$/m);
  // class rows: a real percentage for train, "—" for the empty splits
  assert.match(r.stdout, /^0 triangle +\d+\.\d% +— +—$/m);
  assert.match(r.stdout, /^train +100 +0\.\d{4} +0\.\d{4} +0\.0000 +1\.0000 +\(100 images sampled from training seed 0\)$/m);

  const json = glorot('data', 'info', 'shapeset', '--validation-size', '0', '--test-size', '7', '--n', '100', '--json');
  assert.equal(json.status, 0, json.stderr);
  const info = JSON.parse(json.stdout) as { splits: Record<string, { n: number; classCounts: number[]; pixels: Record<string, number | null> }> };
  assert.deepEqual(info.splits['validation'], { n: 0, classCounts: [0, 0, 0, 0, 0, 0, 0, 0, 0], pixels: { mean: null, std: null, min: null, max: null } });
  assert.equal(info.splits['test']!.n, 7);
  assert.ok(typeof info.splits['test']!.pixels['mean'] === 'number');

  // a file dataset with its validation split held out as 0
  const dir = tempDir('cli-idx-empty');
  writeIdxSet(dir, [0, 1, 1, 2], [3, 4]);
  const idx = glorot('data', 'info', 'mnist', '--data-dir', dir, '--validation-size', '0');
  assert.equal(idx.status, 0, idx.stderr);
  assert.doesNotMatch(idx.stdout, /NaN|Infinity/);
  assert.match(idx.stdout, /^validation {11}0 {12}— {8}— {8}— {8}— {3}\(empty\)$/m);
  assert.match(idx.stdout, /^3 3 +0\.0% +— +50\.0%$/m);
});

test('glorot data: a dataset option that does not apply is named as its flag (--test-size, not testSize)', () => {
  const dir = tempDir('cli-idx-flag');
  writeIdxSet(dir, [0, 1, 1, 2], [3, 4]);
  const r = glorot('data', 'info', 'mnist', '--data-dir', dir, '--test-size', '5');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'glorot: mnist: --test-size: expected nothing (it does not apply: the IDX files fix it), found 5\n');
  const grey = glorot('data', 'preview', 'shapeset', '--split-seed', '3', '--out', join(dir, 'x.png'));
  assert.equal(grey.stderr, 'glorot: shapeset: --split-seed: expected nothing (it does not apply: it is generated), found 3\n');
  const big = glorot('data', 'info', 'shapeset', '--validation-size', '2000000');
  assert.equal(big.stderr, 'glorot: shapeset: --validation-size: expected a whole number from 0 to 1,000,000, found 2000000\n');
  // a missing directory is named by the flag that supplies it; text that is no number by commander
  const mnist = glorot('data', 'info', 'mnist');
  assert.equal(mnist.stderr, "glorot: mnist: --data-dir: expected a directory holding MNIST's four IDX files (train-images-idx3-ubyte[.gz] …), found nothing\n");
  const text = glorot('data', 'info', 'shapeset', '--image-size', 'big');
  assert.match(text.stderr, /^error: option '--image-size <n>' argument 'big' is invalid\. expected a number, found "big"\n/);
});

test('glorot data preview: an empty test split falls back to the validation (then training) split and says so', () => {
  const root = tempDir('cli-preview-empty');
  const dir = writeFolder(root);
  const out = join(root, 'p.png');
  const val = glorot('data', 'preview', `folder:${dir}`, '--test-size', '0', '--validation-size', '3', '--image-size', '8', '--out', out);
  assert.equal(val.status, 0, val.stderr);
  assert.equal(val.stdout, `wrote ${out} (PNG, ${PNG.sync.read(readFileSync(out)).width}×${PNG.sync.read(readFileSync(out)).height} px): up to 8 examples per class from the validation split (the test split is empty)\n`);
  const both = glorot('data', 'preview', `folder:${dir}`, '--test-size', '0', '--validation-size', '0', '--image-size', '8', '--per-class', '4', '--out', out);
  assert.equal(both.status, 0, both.stderr);
  assert.match(both.stdout, /from the training split \(training seed 0; the test and validation splits are empty\)\n$/);
  // every class row holds its 4 training images: count the tiles' frames (grey 150) by their top and
  // bottom edges, runs of exactly 66 grey pixels around an 8·8-px tile at scale 8 (the labels'
  // anti-aliased text has grey-150 pixels too, never in such a run); 3 classes × 4 images × 2 edges
  const png = PNG.sync.read(readFileSync(out));
  let edges = 0;
  for (let y = 0; y < png.height; y++) {
    let run = 0;
    for (let x = 0; x <= png.width; x++) {
      const p = (y * png.width + x) * 4;
      if (x < png.width && png.data[p] === 150 && png.data[p + 1] === 150 && png.data[p + 2] === 150) run++;
      else {
        if (run === 66) edges++;
        run = 0;
      }
    }
  }
  assert.equal(edges, 3 * 4 * 2);
});

test('glorot data preview --out: .png or .jpg/.jpeg (JPEG data), anything else and a missing directory are named', () => {
  const root = tempDir('cli-preview-out');
  const jpg = join(root, 'p.jpg');
  const r = glorot('data', 'preview', 'shapeset', '--per-class', '1', '--out', jpg);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*p\.jpg \(JPEG, \d+×\d+ px\)/);
  const bytes = readFileSync(jpg);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG start-of-image marker');
  const gif = glorot('data', 'preview', 'shapeset', '--out', join(root, 'p.gif'));
  assert.equal(gif.status, 2);
  assert.equal(gif.stderr, `glorot: --out: expected a file name ending in .png, .jpg or .jpeg, found "${join(root, 'p.gif')}" (extension .gif)\n`);
  const bare = glorot('data', 'preview', 'shapeset', '--out', join(root, 'sheet'));
  assert.match(bare.stderr, /^glorot: --out: expected a file name ending in \.png, \.jpg or \.jpeg, found ".*sheet" \(no extension\)\n$/);
  const missing = join(root, 'nodir', 'p.png');
  const nodir = glorot('data', 'preview', 'shapeset', '--out', missing);
  assert.equal(nodir.status, 1);
  assert.equal(nodir.stderr, `glorot: --out ${missing}: the directory ${join(root, 'nodir')} does not exist (create it first, or choose another path)\n`);
  assert.ok(!existsSync(missing));
  mkdirSync(join(root, 'd.png'));
  assert.equal(glorot('data', 'preview', 'shapeset', '--out', join(root, 'd.png')).stderr, `glorot: --out ${join(root, 'd.png')}: is a directory; expected a file name\n`);
});
