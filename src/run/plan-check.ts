/**
 * Checks a job's planned runs before any starts (issue 15, item 8): a network the backend can never
 * hold (`base.hidden: [1e9]` in an experiment) is an error naming the experiment file, the variant
 * and the field that chose the size — not a RangeError ("Invalid typed array length") from deep in
 * a worker or in the duration estimate.
 */
import type { PlannedRun } from '../config/experiment.ts';
import { type InputSource, InvalidInputError } from '../core/errors.ts';
import type { Backend } from '../kernels/backend.ts';
import { bytesText, weightFloats, workspaceFloats } from '../nn/sizes.ts';

/** What the check needs of a run's dataset. */
export interface NetworkEnds {
  readonly inputSize: number;
  readonly classes: number;
}

/** Where a planned run's sizes were chosen: the fields of its experiment, and the file. */
export interface SizeFields {
  /** The field that set the hidden widths, e.g. `base.hidden` or `variants[2].depth`. */
  readonly hidden: string;
  /** The field that set the minibatch, e.g. `base.minibatch`. */
  readonly minibatch: string;
  readonly source: InputSource;
}

/**
 * Refuses a planned run whose weights, or weights and minibatch buffers, need more float32 values
 * than `backend` can hold ({@link Backend.maxFloats}).
 * @param ends the input size and classes of each run's dataset.
 * @param fields where each run's sizes were chosen.
 * @throws InvalidInputError naming the field (`base.hidden`), the file and the run's variant, with the
 *   network and its size found and the backend's limit expected.
 */
export function checkRunSizes(
  runs: readonly PlannedRun[],
  ends: (r: PlannedRun) => NetworkEnds,
  backend: Backend,
  fields: (r: PlannedRun) => SizeFields,
): void {
  const limit = `at most ${backend.maxFloats.toLocaleString('en-US')} float32 values (${bytesText(4 * backend.maxFloats)}) on the ${backend.name} backend`;
  for (const r of runs) {
    const { inputSize, classes } = ends(r);
    const widths = [inputSize, ...r.config.hidden, classes];
    const weights = weightFloats(widths);
    const buffers = workspaceFloats(widths, r.config.minibatch);
    const f = fields(r);
    const source = { ...f.source, subject: `${f.source.subject ?? `experiment ${r.experiment}`}, variant ${JSON.stringify(r.label)}` };
    const network = `a ${widths.join('-')} network`;
    if (weights > backend.maxFloats) {
      const found = `${network}, whose weights need ${weights.toLocaleString('en-US')} values (${bytesText(4 * weights)})`;
      throw new InvalidInputError({ field: f.hidden, expected: `hidden-layer widths whose weights fit: ${limit}`, found }, source);
    }
    if (weights + buffers > backend.maxFloats) {
      const need = `${buffers.toLocaleString('en-US')} values (${bytesText(4 * buffers)})`;
      const found = `${r.config.minibatch} rows, whose buffers for ${network} need ${need} beside its weights`;
      throw new InvalidInputError({ field: f.minibatch, expected: `a minibatch whose buffers fit beside the weights: ${limit}`, found }, source);
    }
  }
}
