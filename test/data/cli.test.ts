import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { cifarBatch, tempDir, writeIdxSet } from './fixtures.ts';

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
  assert.match(r.stdout, /wrote .*shapes.png \(\d+×\d+ px\)/);
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

test('glorot data: errors are one clear line and exit 1', () => {
  const unknown = glorot('data', 'info', 'imagenet');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^glorot: unknown dataset "imagenet": expected one of shapeset, fashion-mnist, mnist, cifar10/);
  const badN = glorot('data', 'info', 'shapeset', '--n', 'lots');
  assert.equal(badN.status, 1);
  assert.match(badN.stderr, /^glorot: --n: expected an integer from 1 to 100000000, found "lots"/);
});
