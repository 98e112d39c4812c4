/**
 * Shapeset-3×2 as a {@link Dataset}: an infinite seeded training stream and fixed validation and
 * test sets generated on their own seeds (SHAPESET.md "Fixed evaluation sets", SPEC.md §7).
 *
 * Seeds. Each role draws from its own generator seed: train deriveSeed(seed, 'shapeset/train'),
 * validation deriveSeed(−1, 'shapeset/validation'), test deriveSeed(0, 'shapeset/test') (−1 and 0
 * are the authors' validation and test seeds). deriveSeed is a bijection of 32-bit seeds for a
 * fixed name, so exactly one training seed in 2^32 would land on the validation generator's seed
 * and one on the test's: the training stream refuses those two. Distinct 32-bit
 * seeds start xoroshiro128+ (period 2^128 − 1) at unrelated points, so streams of fewer than 2^40
 * draws overlap with probability below 2^-85; test/unit/data/shapeset-dataset.test.ts checks that no
 * image is shared between validation, test and training streams.
 */
import { Rng, type RngState, deriveSeed } from '../../core/rng.ts';
import type { Dataset, OpenDatasetOptions, Split, TrainStream } from '../types.ts';
import { SHAPESET_EVAL_SIZE } from '../defaults.ts';
import { refuseOptions, wholeOption } from '../errors.ts';
import { tableSplit } from '../splits.ts';
import { checkBatch, checkSeed, checkState, stateInteger } from '../stream-state.ts';
import { ShapesetGenerator } from './generator.ts';
import { SHAPESET_CLASSES, SHAPESET_CLASS_NAMES, SHAPESET_SIZE } from './params.ts';

/** The validation set's base seed (the authors' −1). */
export const SHAPESET_VALIDATION_SEED = -1;
/** The test set's base seed (the authors' 0). */
export const SHAPESET_TEST_SEED = 0;

/** The 32-bit generator seed of a role: deriveSeed(seed, 'shapeset/<role>'). */
export function shapesetGeneratorSeed(role: 'train' | 'validation' | 'test', seed: number): number {
  return deriveSeed(seed, `shapeset/${role}`);
}

/**
 * Generates `n` images from one generator seed, in order (so a smaller set is a prefix of a larger
 * one), stored as 8-bit grey levels: size² bytes per image (10 MB for 10,000 images of 32 × 32,
 * a quarter of float32). `read` gives grey/255 as float32, bit-identical to
 * {@link ShapesetGenerator.generate}'s output for the same draws.
 * @param name names the split in errors (default 'shapeset').
 * @returns a {@link Split} of n examples of size² inputs in [0, 1], labels 0..8.
 */
export function generateShapesetSplit(generatorSeed: number, n: number, size = SHAPESET_SIZE, name = 'shapeset'): Split {
  const gen = new ShapesetGenerator({ size });
  const rng = new Rng(generatorSeed);
  const pixels = new Uint8Array(n * gen.inputSize);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = gen.generateGrey(rng, pixels, i * gen.inputSize);
  return tableSplit({ pixels, labels, n, inputSize: gen.inputSize }, name);
}

/**
 * The infinite training stream for `seed`: fresh images, never repeated (the paper trains on line).
 * Its state is the generator's RNG state plus the images drawn.
 * @param reserved generator seeds the stream must not use (the validation and test seeds).
 * @throws RangeError when `seed` is not a safe integer or maps onto a reserved generator seed.
 */
export function createShapesetStream(seed: number, size: number, reserved: readonly number[]): TrainStream {
  checkSeed(seed);
  const generatorSeed = shapesetGeneratorSeed('train', seed);
  if (reserved.includes(generatorSeed)) {
    throw new RangeError(
      `shapeset training seed ${seed} maps onto the validation or test generator's seed; choose another seed`,
    );
  }
  const gen = new ShapesetGenerator({ size });
  let rng = new Rng(generatorSeed);
  let images = 0;
  const identity = { kind: 'shapeset-train', dataset: 'shapeset', seed, size };
  return {
    next(x, y, rows) {
      checkBatch(x, y, rows, gen.inputSize);
      for (let r = 0; r < rows; r++) y[r] = gen.generate(rng, x, r * gen.inputSize);
      images += rows;
    },
    getState() {
      return { ...identity, images, rng: rng.getState() };
    },
    setState(state) {
      const s = checkState(state, identity);
      const n = stateInteger(s, 'images', Number.MAX_SAFE_INTEGER);
      const words = parseRngState(s['rng']);
      try {
        rng = Rng.fromState(words);
      } catch (e) {
        throw new Error(`training stream state: ${(e as Error).message}`);
      }
      images = n;
    },
    drawn() {
      return images;
    },
  };
}

/** @throws Error when `v` is not an {@link RngState} (four 32-bit integers and a spare normal or null). */
function parseRngState(v: unknown): RngState {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const words = o['words'];
  const spare = o['spare'];
  const wordsOk = Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w === (w | 0));
  if (!wordsOk || !(spare === null || typeof spare === 'number')) {
    throw new Error(`training stream state: rng: expected {words: four 32-bit integers, spare}, found ${JSON.stringify(v)}`);
  }
  return { words: words as number[], spare };
}

/**
 * Opens Shapeset-3×2 (SHAPESET.md): validation and test sets of `validationSize` / `testSize`
 * images (default 10,000 each) generated now and kept as 8-bit grey levels (20 MB for 2 × 10,000,
 * against 82 MB as float32), and infinite training streams.
 * @throws InvalidInputError naming the option when a size is not a whole number from 0 to 1,000,000,
 *   imageSize not one from 8 to 1,024, or an option that does not apply is given.
 */
export function openShapeset(options: OpenDatasetOptions): Dataset {
  refuseOptions('shapeset', options, ['dataDir', 'grey', 'splitSeed'], 'it is generated');
  const size = wholeOption('shapeset', 'imageSize', options.imageSize ?? SHAPESET_SIZE, 8, 1024);
  const nValidation = evalSize(options.validationSize, 'validationSize');
  const nTest = evalSize(options.testSize, 'testSize');
  const validationSeed = shapesetGeneratorSeed('validation', SHAPESET_VALIDATION_SEED);
  const testSeed = shapesetGeneratorSeed('test', SHAPESET_TEST_SEED);
  const validation = generateShapesetSplit(validationSeed, nValidation, size, 'shapeset validation');
  const test = generateShapesetSplit(testSeed, nTest, size, 'shapeset test');
  return {
    name: 'shapeset',
    inputSize: size * size,
    classes: SHAPESET_CLASSES,
    classNames: SHAPESET_CLASS_NAMES,
    validation,
    test,
    trainStream: (seed) => createShapesetStream(seed, size, [validationSeed, testSeed]),
    info: {
      train: 'infinite',
      validation: nValidation,
      test: nTest,
      height: size,
      width: size,
      channels: 1,
      validationSeed: SHAPESET_VALIDATION_SEED,
      testSeed: SHAPESET_TEST_SEED,
      pixels: 'grey/255 in [0, 1]',
      source: 'generated: Shapeset-3×2 (SHAPESET.md)',
    },
  };
}

function evalSize(v: number | undefined, name: string): number {
  return v === undefined ? SHAPESET_EVAL_SIZE : wholeOption('shapeset', name, v, 0, 1_000_000);
}
