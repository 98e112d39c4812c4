/**
 * `glorot data export DATASET --split train|valid|test --format idx|npz --out FILE` (issue 15,
 * item 13): a split written out so others train and test on the identical data (src/data/export.ts).
 */
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { openDataset } from '../data/dataset.ts';
import { EXPORT_SPLITS, type ExportSplit, imageShape, splitExamples, toIdx, toNpz } from '../data/export.ts';
import { writeFileAtomic } from '../store/durable.ts';
import { ensureDir } from '../store/paths.ts';
import { openOptions, withDatasetOptions, type DataFlags } from './dataset-flags.ts';
import { UsageError } from './exit.ts';
import { pathArg, wholeNumberArg } from './flags.ts';
import { print } from './terminal.ts';

const FORMATS = ['idx', 'npz'] as const;

interface ExportFlags extends DataFlags {
  split: string;
  format: string;
  out: string;
  n?: number;
}

/** Registers `glorot data export` under `data`. */
export function registerDataExport(data: Command): void {
  withDatasetOptions(data.command('export').argument('<dataset>', 'a dataset name or directory', pathArg('<dataset>', 'a dataset name')))
    .description('write a split as the network sees it (x = pixel / 255) for other tools: IDX files or a NumPy .npz')
    .requiredOption('--split <split>', `${EXPORT_SPLITS.join(' | ')} (train: the first --n examples of the training stream of --seed)`)
    .requiredOption('--format <format>', `${FORMATS.join(' | ')}`)
    .requiredOption(
      '--out <file>',
      'npz: the file; idx: a prefix, writing <out>-images-idx3-ubyte and <out>-labels-idx1-ubyte',
      pathArg('--out', 'a file name'),
    )
    .option('--n <count>', 'train: how many examples of the training stream', wholeNumberArg(1))
    .action(async (name: string, f: ExportFlags) => {
      if (!(EXPORT_SPLITS as readonly string[]).includes(f.split)) throw new UsageError(`--split: expected ${EXPORT_SPLITS.join(', ')}, found "${f.split}"`);
      if (!(FORMATS as readonly string[]).includes(f.format)) throw new UsageError(`--format: expected ${FORMATS.join(', ')}, found "${f.format}"`);
      if (f.split === 'train' && f.n === undefined) throw new UsageError('--n: the train split is a stream: say how many examples to write (e.g. --n 10000)');
      if (f.split !== 'train' && f.n !== undefined) throw new UsageError(`--n applies to --split train only (the ${f.split} split is written whole)`);
      const seed = Number(f.seed ?? '0');
      if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed: expected an integer, found "${f.seed}"`);
      ensureDir(dirname(f.out), 'the directory of --out');
      const ds = await openDataset(name, openOptions(f));
      const ex = splitExamples(ds, f.split as ExportSplit, f.n, seed);
      const shape = imageShape(ds);
      if (f.format === 'npz') {
        writeFileAtomic(f.out, toNpz(ex, shape, ds.classNames));
        print(`${ds.name} ${f.split}: ${ex.n} examples, x float32 [${[ex.n, ...shape].join(', ')}], y int64, classes → ${f.out}`);
        print(`  load with: numpy.load("${f.out}")`);
        return;
      }
      const idx = toIdx(ex, shape);
      const images = `${f.out}-images-idx3-ubyte`;
      const labels = `${f.out}-labels-idx1-ubyte`;
      writeFileAtomic(images, idx.images);
      writeFileAtomic(labels, idx.labels);
      print(`${ds.name} ${f.split}: ${ex.n} examples, pixels as ${idx.bytes ? 'unsigned bytes' : 'float32'} → ${images}, ${labels}`);
    });
}
