/** Summaries of splits and streams for `glorot data info`: class counts and pixel statistics. */
import { RunningMoments } from '../core/moments.ts';
import { Rng } from '../core/rng.ts';
import type { Split, TrainStream } from './dataset.ts';
import { shapesetGeneratorSeed } from './shapeset/dataset.ts';
import { ShapesetGenerator } from './shapeset/generator.ts';
import { SHAPESET_CLASSES } from './shapeset/params.ts';

/**
 * Mean, standard deviation (population), minimum and maximum of pixel values; all four NaN for an
 * empty split (JSON: null), never ±Infinity.
 */
export interface PixelStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** What `data info` reports per split. */
export interface SplitSummary {
  /** Examples; 0 for an empty split (then every class count is 0 and the pixel statistics NaN). */
  readonly n: number;
  /** Examples per class, indexed by label. */
  readonly classCounts: number[];
  readonly pixels: PixelStats;
}

/** Accumulates class counts and pixel moments (Welford's, src/core/moments.ts) over rows of examples. */
class SummaryAccumulator {
  private n = 0;
  private readonly moments = new RunningMoments();
  private min = Infinity;
  private max = -Infinity;
  private readonly classCounts: number[];

  constructor(classes: number) {
    this.classCounts = new Array<number>(classes).fill(0);
  }

  add(x: Float32Array, y: Int32Array, rows: number, inputSize: number): void {
    for (let i = 0; i < rows * inputSize; i++) {
      const v = x[i];
      this.moments.add(v);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    for (let r = 0; r < rows; r++) this.classCounts[y[r]]++;
    this.n += rows;
  }

  result(): SplitSummary {
    if (this.moments.count === 0) return { n: this.n, classCounts: this.classCounts, pixels: { mean: NaN, std: NaN, min: NaN, max: NaN } };
    const { mean, variance } = this.moments.result();
    return { n: this.n, classCounts: this.classCounts, pixels: { mean, std: Math.sqrt(variance), min: this.min, max: this.max } };
  }
}

/**
 * Summary of a fixed split (n examples of `inputSize` inputs, labels [n]), read in chunks of up
 * to 1000 rows (the split is never expanded whole); the moments run in example order, as over one
 * dense array.
 * @throws RangeError when `inputSize` differs from the split's.
 */
export function summarizeSplit(split: Split, inputSize: number, classes: number): SplitSummary {
  if (inputSize !== split.inputSize) {
    throw new RangeError(`summarizeSplit: inputSize ${inputSize} differs from the split's ${split.inputSize}`);
  }
  const acc = new SummaryAccumulator(classes);
  const chunk = Math.min(1000, Math.max(1, split.n));
  const x = new Float32Array(chunk * inputSize);
  for (let start = 0; start < split.n; start += chunk) {
    const rows = Math.min(chunk, split.n - start);
    split.read(start, rows, x, 0);
    acc.add(x, split.y.subarray(start, start + rows), rows, inputSize);
  }
  return acc.result();
}

/** Summary of the next `n` examples of a training stream, read in minibatches of up to 1000. */
export function summarizeStream(stream: TrainStream, inputSize: number, classes: number, n: number): SplitSummary {
  const acc = new SummaryAccumulator(classes);
  const batch = Math.min(1000, Math.max(1, n));
  const x = new Float32Array(batch * inputSize);
  const y = new Int32Array(batch);
  for (let done = 0; done < n; done += batch) {
    const rows = Math.min(batch, n - done);
    stream.next(x, y, rows);
    acc.add(x, y, rows, inputSize);
  }
  return acc.result();
}

/** The generator's own statistics over a sample of Shapeset training images. */
export interface ShapesetSample {
  readonly summary: SplitSummary;
  /** Fraction of images with one object (SHAPESET.md: ≈ 0.5). */
  readonly oneObject: number;
  /** Overlap rejections per placed object (the authors' generator: 0.318). */
  readonly rejectionsPerObject: number;
  /** Rejected fraction of all placements tried (SHAPESET.md: ≈ 24 in 100). */
  readonly rejectedPlacements: number;
  /** Objects dropped after 50 rejections, and the images sampled. */
  readonly dropped: number;
  /** Fraction of images with a dark background (≈ 0.5). */
  readonly darkBackground: number;
}

/**
 * Samples `n` images of the Shapeset training stream of `seed` (the very images trainStream(seed)
 * yields) and reports the class and pixel summary with the generator's counts.
 */
export function sampleShapeset(seed: number, n: number, size: number): ShapesetSample {
  const gen = new ShapesetGenerator({ size });
  const rng = new Rng(shapesetGeneratorSeed('train', seed));
  const acc = new SummaryAccumulator(SHAPESET_CLASSES);
  const x = new Float32Array(gen.inputSize);
  const y = new Int32Array(1);
  for (let i = 0; i < n; i++) {
    y[0] = gen.generate(rng, x, 0);
    acc.add(x, y, 1, gen.inputSize);
  }
  const c = gen.counts;
  return {
    summary: acc.result(),
    oneObject: c.oneObject / c.images,
    rejectionsPerObject: c.rejections / c.objects,
    rejectedPlacements: c.rejections / c.attempts,
    dropped: c.dropped,
    darkBackground: c.darkBackground / c.images,
  };
}
