/**
 * The rule every run id obeys, wherever it comes from: typed on the command line (`--run-id`,
 * `--resume`, `glorot show <run>`), generated from an experiment (`e1-tanh-n-lr0.01-s1`), or read back
 * from the run record (issue 15, item 6: an id from a tampered record must not become a path that
 * leaves the output directory). Run ids name directories and files (`checkpoints/<run>/`,
 * `models/<run>.safetensors`, `csv/<run>/`), so they are file-name safe by construction: no `/`, no
 * leading `.`, no control character.
 */

/** Lower-case letters, digits, `-`, `_` and `.`; starts with a letter or digit; 1–64 characters. */
export const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** {@link RUN_ID_PATTERN} in words, for messages. */
export const RUN_ID_WORDS = 'a run id: 1 to 64 lower-case letters, digits, "-", "_" or ".", starting with a letter or digit (e.g. tanh-normalized-d5-s1)';

/** Whether `id` is a valid run id. */
export function isRunId(id: unknown): boolean {
  return typeof id === 'string' && RUN_ID_PATTERN.test(id);
}
