/**
 * Run identifiers: short slugs people type on the command line (`glorot show tanh-normalized-d5-s1`)
 * and that name the run's checkpoint directory, so they must be file-name safe.
 */
import { foundText } from '../core/errors.ts';
import { isRunId } from '../core/run-ids.ts';
import { RunStoreError } from './errors.ts';

/**
 * Checks a run id against the one rule (src/core/run-ids.ts).
 * @throws RunStoreError `INVALID` naming the rule when `id` is not a valid run id.
 */
export function validateRunId(id: string): string {
  if (!isRunId(id)) {
    throw new RunStoreError(
      'INVALID',
      `invalid run id ${foundText(id)}: use 1 to 64 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit (e.g. tanh-normalized-d5-s1)`,
    );
  }
  return id;
}

/** Lower-cases `s` and replaces every run of characters a run id cannot hold by `-`. */
function slugPart(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/**
 * The number of hidden layers a run configuration describes: its `depth`, else the length of its
 * `hidden` or `widths` array; undefined when it has none of them.
 */
export function configDepth(config: Readonly<Record<string, unknown>>): number | undefined {
  const depth = config['depth'];
  if (typeof depth === 'number' && Number.isInteger(depth)) return depth;
  for (const key of ['hidden', 'widths']) {
    const v = config[key];
    if (Array.isArray(v)) return v.length;
  }
  return undefined;
}

/**
 * The base of a generated run id, from the configuration keys that tell runs apart in this lab:
 * `<dataset>-<activation>-<init>-d<depth>-s<seed>`, leaving out parts the config lacks
 * (depth as in {@link configDepth}). E.g. `{activation: 'tanh', init: 'normalized',
 * depth: 5}` with seed 1 gives `tanh-normalized-d5-s1`.
 */
export function runIdBase(config: Readonly<Record<string, unknown>>, seed: number): string {
  const parts: string[] = [];
  for (const key of ['dataset', 'activation', 'init']) {
    const v = config[key];
    if (typeof v === 'string' && slugPart(v) !== '') parts.push(slugPart(v));
  }
  const depth = configDepth(config);
  if (depth !== undefined) parts.push(`d${depth}`);
  parts.push(`s${seed}`);
  const base = parts.length === 1 ? `run-${parts[0]}` : parts.join('-');
  return base.slice(0, 56).replace(/[-._]+$/, '');
}

/**
 * A run id not in `taken`: `base` itself, else `base-2`, `base-3`, …
 * @throws RunStoreError `INVALID` when `base` is not a valid run id.
 */
export function uniqueRunId(base: string, taken: ReadonlySet<string>): string {
  validateRunId(base);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const id = `${base.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken.has(id)) return validateRunId(id);
  }
}
