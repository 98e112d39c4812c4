/** `glorot data info` and `glorot data preview`: what a dataset holds, and a Fig. 1-style sheet of it. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { Command } from 'commander';
import { DATASET_NAMES } from '../core/datasets.ts';
import { type Dataset, type OpenDatasetOptions, openDataset } from '../data/dataset.ts';
import { encodeJpeg, encodePng, examplesFromShapeset, examplesFromSplit, examplesFromStream, renderPreview } from '../data/preview.ts';
import { type SplitSummary, sampleShapeset, summarizeSplit, summarizeStream } from '../data/stats.ts';
import { UsageError } from './exit.ts';
import { pathArg } from './flags.ts';
import { print } from './terminal.ts';
import { registerDataExport } from './data-export.ts';
import { openOptions, withDatasetOptions, type DataFlags } from './dataset-flags.ts';

/**
 * Parses an integer option of the data commands' own (`--seed`, `--n`, `--per-class`: no dataset
 * option holds them, so they are checked here).
 * @throws UsageError naming the flag, the accepted range and what was found.
 */
function parseIntegerFlag(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, found "${value}"`);
  }
  return n;
}

/** Image formats `data preview --out` writes, by file extension. */
const PREVIEW_FORMATS: Record<string, 'png' | 'jpeg'> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg' };

/**
 * Checks `--out` of `data preview` before any work: a .png, .jpg or .jpeg name in an existing
 * directory, not itself a directory.
 * @returns the format its extension asks for.
 * @throws Error naming --out, what was expected and what was found.
 */
function previewFormat(out: string): 'png' | 'jpeg' {
  const ext = extname(out);
  const format = PREVIEW_FORMATS[ext.toLowerCase()];
  if (format === undefined) {
    throw new UsageError(`--out: expected a file name ending in .png, .jpg or .jpeg, found "${out}" (${ext === '' ? 'no extension' : `extension ${ext}`})`);
  }
  const dir = dirname(out);
  if (!existsSync(dir)) throw new Error(`--out ${out}: the directory ${dir} does not exist (create it first, or choose another path)`);
  if (!statSync(dir).isDirectory()) throw new Error(`--out ${out}: ${dir} is not a directory`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new Error(`--out ${out}: is a directory; expected a file name`);
  return format;
}


/** Registers `glorot data info` and `glorot data preview`. */
export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description(`datasets: ${[...DATASET_NAMES, 'idx:<dir>', 'folder:<dir>'].join(', ')}`);

  withDatasetOptions(data.command('info').argument('<dataset>', 'a dataset name or directory', pathArg('<dataset>', 'a dataset name')))
    .description('counts per split, class frequencies, pixel mean/std/min/max (shapeset: also objects and rejections)')
    .option('--json', 'print JSON')
    .option('--n <images>', 'shapeset: training images to sample', '20000')
    .action(async (name: string, f: DataFlags & { json?: boolean; n: string }) => {
      const seed = parseIntegerFlag(f.seed ?? '0', '--seed', -(2 ** 31), 2 ** 32 - 1);
      const n = parseIntegerFlag(f.n, '--n', 1, 1e8);
      const report = dataInfo(await openDataset(name, openOptions(f)), seed, n);
      print(f.json ? JSON.stringify(report, null, 2) : formatInfo(report));
    });

  withDatasetOptions(data.command('preview').argument('<dataset>', 'a dataset name or directory', pathArg('<dataset>', 'a dataset name')))
    .description("a PNG (or JPEG) sheet of examples, one labelled row per class (the paper's Fig. 1; shapeset at 64×64)")
    .requiredOption('--out <file.png>', 'where to write the sheet: .png, or .jpg/.jpeg for JPEG', pathArg('--out', 'a file name'))
    .option('--per-class <k>', 'examples per class', '8')
    .action(previewAction);
  registerDataExport(data);
}

/** A preview sheet and where its examples came from (for the last line). */
interface Preview {
  readonly sheet: ReturnType<typeof renderPreview>;
  readonly from: string;
}

/** Shapeset's sheet: fresh images of the training seed, at 64×64 unless an image size is given. */
async function shapesetPreview(options: OpenDatasetOptions, seed: number, perClass: number): Promise<Preview> {
  const ds = await openDataset('shapeset', { ...options, validationSize: 0, testSize: 0 });
  const size = options.imageSize ?? 64;
  const examples = examplesFromShapeset(size, seed, perClass);
  const sheet = renderPreview(`Shapeset-3×2, ${size}×${size}`, ds.classNames, examples, { width: size, height: size, channels: 1 }, 1);
  return { sheet, from: `fresh images of training seed ${seed}` };
}

/** A file dataset's sheet: the test split, or the first non-empty one after it (saying so): never a sheet of labels only. */
async function datasetPreview(name: string, options: OpenDatasetOptions, seed: number, perClass: number): Promise<Preview> {
  const ds = await openDataset(name, options);
  const shape = { width: Number(ds.info['width']), height: Number(ds.info['height']), channels: ds.info['channels'] === 3 ? 3 : 1 } as const;
  const scale = Math.max(1, Math.round(64 / Math.max(shape.width, shape.height)));
  const empty: string[] = [];
  let examples: Float32Array[][] | null = null;
  let split = '';
  for (const [s, data] of [['test', ds.test], ['validation', ds.validation]] as const) {
    if (data.n > 0) {
      examples = examplesFromSplit(data, ds.inputSize, ds.classes, perClass);
      split = s;
      break;
    }
    empty.push(s);
  }
  if (examples === null) {
    examples = examplesFromStream(ds.trainStream(seed), ds.inputSize, ds.classes, perClass, Number(ds.info['train']));
    split = 'training';
  }
  const sheet = renderPreview(`${ds.name}, ${split} set`, ds.classNames, examples, shape, scale);
  const notes = [
    ...(split === 'training' ? [`training seed ${seed}`] : []),
    ...(empty.length > 0 ? [`the ${empty.join(' and ')} split${empty.length > 1 ? 's are' : ' is'} empty`] : []),
  ];
  return { sheet, from: `the ${split} split${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` };
}

/** `glorot data preview`: checks --out first, renders the sheet, writes it. */
async function previewAction(name: string, f: DataFlags & { out: string; perClass: string }): Promise<void> {
  const perClass = parseIntegerFlag(f.perClass, '--per-class', 1, 64);
  const seed = parseIntegerFlag(f.seed ?? '0', '--seed', -(2 ** 31), 2 ** 32 - 1);
  const format = previewFormat(f.out);
  const kind = format === 'png' ? 'PNG' : 'JPEG';
  const options = openOptions(f);
  const { sheet, from } = name === 'shapeset' ? await shapesetPreview(options, seed, perClass) : await datasetPreview(name, options, seed, perClass);
  try {
    writeFileSync(f.out, format === 'png' ? encodePng(sheet) : encodeJpeg(sheet));
  } catch (e) {
    throw new Error(`--out ${f.out}: cannot write the ${kind}: ${e instanceof Error ? e.message : String(e)}`);
  }
  print(`wrote ${f.out} (${kind}, ${sheet.width}×${sheet.height} px): up to ${perClass} examples per class from ${from}`);
}

/** The `data info` report (also its JSON form). */
interface InfoReport {
  name: string;
  inputSize: number;
  classes: number;
  classNames: readonly string[];
  info: Record<string, string | number>;
  splits: Record<'train' | 'validation' | 'test', SplitSummary & { note?: string }>;
  shapeset?: { oneObject: number; rejectionsPerObject: number; rejectedPlacements: number; dropped: number; darkBackground: number };
}

function dataInfo(ds: Dataset, seed: number, n: number): InfoReport {
  let train: SplitSummary & { note?: string };
  let shapeset: InfoReport['shapeset'];
  if (ds.info['train'] === 'infinite') {
    const { summary, ...counts } = sampleShapeset(seed, n, Number(ds.info['width']));
    train = { ...summary, note: `${n} images sampled from training seed ${seed}` };
    shapeset = counts;
  } else {
    // One epoch of the training stream visits every training example once.
    train = summarizeStream(ds.trainStream(seed), ds.inputSize, ds.classes, Number(ds.info['train']));
  }
  return {
    name: ds.name,
    inputSize: ds.inputSize,
    classes: ds.classes,
    classNames: ds.classNames,
    info: ds.info,
    splits: {
      train,
      validation: summarizeSplit(ds.validation, ds.inputSize, ds.classes),
      test: summarizeSplit(ds.test, ds.inputSize, ds.classes),
    },
    ...(shapeset ? { shapeset } : {}),
  };
}

/**
 * The text form of `data info`. An empty split (e.g. --test-size 0) shows "—" for its pixel
 * statistics and class frequencies, and says it is empty, instead of NaN and ±Infinity.
 */
function formatInfo(r: InfoReport): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const num = (x: number): string => x.toFixed(4);
  const names = ['train', 'validation', 'test'] as const;
  const lines = [`${r.name}: ${r.inputSize} inputs, ${r.classes} classes`];
  for (const [k, v] of Object.entries(r.info)) lines.push(`  ${k}: ${v}`);
  lines.push('', 'split         examples   pixel mean    std      min      max');
  for (const s of names) {
    const { n, pixels: p, note } = r.splits[s];
    const cells = n === 0 ? ['—', '—', '—', '—'] : [num(p.mean), num(p.std), num(p.min), num(p.max)];
    const row = `${s.padEnd(12)} ${String(n).padStart(9)}   ${cells[0].padStart(10)} ${cells[1].padStart(8)} ${cells[2].padStart(8)} ${cells[3].padStart(8)}`;
    const notes = [...(n === 0 ? ['empty'] : []), ...(note ? [note] : [])];
    lines.push(notes.length > 0 ? `${row}   (${notes.join('; ')})` : row);
  }
  const w = Math.max(5, ...r.classNames.map((c, k) => `${k} ${c}`.length));
  lines.push('', `${'class'.padEnd(w)}      train  validation      test`);
  r.classNames.forEach((c, k) => {
    const cells = names.map((s) => (r.splits[s].n === 0 ? '—' : pct(r.splits[s].classCounts[k] / r.splits[s].n)));
    lines.push(`${`${k} ${c}`.padEnd(w)} ${cells[0].padStart(10)} ${cells[1].padStart(11)} ${cells[2].padStart(9)}`);
  });
  if (r.shapeset) {
    const s = r.shapeset;
    lines.push(
      '',
      `shapeset generator over the ${r.splits.train.n} training images:`,
      `  one object ${pct(s.oneObject)}, two ${pct(1 - s.oneObject)} (expected 50%)`,
      `  rejections ${s.rejectionsPerObject.toFixed(3)} per placed object, ${pct(s.rejectedPlacements)} of placements (authors: 0.318, 24%)`,
      `  objects dropped after 50 rejections: ${s.dropped} (authors: about 1 image in 300,000)`,
      `  dark background ${pct(s.darkBackground)} (expected 50%)`,
    );
  }
  return lines.join('\n');
}
