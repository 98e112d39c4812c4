/** The error for malformed data files: it names the file, the field, what was expected and what was found. */
import { foundText, InvalidInputError } from '../core/errors.ts';

/**
 * A malformed data file: an {@link InvalidInputError} whose input is a file. The message reads
 * `<file>: <field>: expected <expected>, found <found>`.
 */
export class DataFileError extends InvalidInputError {
  /**
   * @param file the file's path (or another name for the bytes' source).
   * @param field what was checked: 'magic', 'length', 'label at record 12', …
   */
  constructor(file: string, field: string, expected: string, found: string) {
    super({ field, expected, found }, { file });
    this.name = 'DataFileError';
  }
}

/**
 * Refuses the options a dataset does not take (e.g. a test-set size for MNIST, whose files fix it).
 * @param options the options given, by field name.
 * @param why why they do not apply, e.g. `the IDX files fix it`.
 * @throws InvalidInputError naming the first such option given (by its field), `dataset` as subject.
 */
export function refuseOptions(dataset: string, options: object, fields: readonly string[], why: string): void {
  for (const field of fields) {
    const v = (options as Record<string, unknown>)[field];
    if (v !== undefined) throw new InvalidInputError({ field, expected: `nothing (it does not apply: ${why})`, found: foundText(v) }, { subject: dataset });
  }
}

/**
 * Checks a numeric dataset option.
 * @returns `value`, a whole number from `min` to `max`.
 * @throws InvalidInputError naming `field`, the range and the value found, `dataset` as subject.
 */
export function wholeOption(dataset: string, field: string, value: number, min: number, max: number): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  const range = max === Infinity ? `≥ ${min.toLocaleString('en-US')}` : `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
  throw new InvalidInputError({ field, expected: `a whole number ${range}`, found: foundText(value) }, { subject: dataset });
}
