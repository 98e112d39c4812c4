/**
 * Flags and fields. The layers below the command line name a bad value by its field path
 * (`learningRate`, `hidden[2]`, `testSize`: see src/core/errors.ts); this file is the one place
 * that turns a field into the flag the user typed, through one table ({@link FIELD_FLAGS}), and the
 * one place that turns command-line text into numbers. A flag's text is only converted here (is it
 * a number?); whether the number is a valid value is decided once, where the field is defined (the
 * configuration schema in src/config, a dataset's options in src/data).
 */
import { type Command, InvalidArgumentError } from 'commander';
import { foundText, InvalidInputError } from '../core/errors.ts';
import { isRunId, RUN_ID_WORDS } from '../core/run-ids.ts';
import { RunStoreError } from '../store/errors.ts';
import { UsageError } from './exit.ts';

/**
 * The flags that set each field, by field path. Where several set one field (`hidden`), the one the
 * user gave names it. A field of `probe` is keyed by its whole path.
 */
export const FIELD_FLAGS: Readonly<Record<string, readonly string[]>> = {
  dataset: ['--dataset'],
  dataDir: ['--data-dir'],
  validationSize: ['--validation-size'],
  testSize: ['--test-size'],
  grey: ['--grey'],
  imageSize: ['--image-size'],
  splitSeed: ['--split-seed'],
  hidden: ['--widths', '--width', '--depth'],
  activation: ['--activation'],
  init: ['--init'],
  gain: ['--gain'],
  cost: ['--cost'],
  learningRate: ['--lr'],
  minibatch: ['--minibatch'],
  updates: ['--updates'],
  seed: ['--seed'],
  checkpointInterval: ['--checkpoint-interval'],
  'probe.interval': ['--probe-interval'],
  'probe.size': ['--probe-size'],
  'probe.jacobianExamples': ['--jacobian-examples'],
  outDir: ['--out'],
  snapshotDir: ['--to'],
  exportDir: ['--export'],
  checkpoints: ['--checkpoints'],
  maxMegabytes: ['--max-mb'],
};

/** What the running command was given: which command, and the fields a configuration file set. */
interface FlagContext {
  readonly command: Command | null;
  /** The configuration file (`glorot train --config`), when one was given. */
  readonly configFile?: string;
  /** Top-level fields (and `probe.*` paths) that file set. */
  readonly fileFields: ReadonlySet<string>;
}

let context: FlagContext = { command: null, fileFields: new Set() };

/** Remembers each command before its action runs, so that {@link errorText} knows its flags. */
export function trackCommands(program: Command): void {
  program.hook('preAction', (_program, action) => {
    context = { command: action, fileFields: new Set() };
  });
}

/** Notes that `file` (a `--config` file) set `fields` of the configuration, for naming them in errors. */
export function noteConfigFile(file: string, fields: Iterable<string>): void {
  context = { ...context, configFile: file, fileFields: new Set(fields) };
}

/** Whether the running command has `flag`, and whether the user gave it on the command line. */
function flagState(flag: string): 'given' | 'available' | 'absent' {
  const option = context.command?.options.find((o) => o.long === flag);
  if (option === undefined) return 'absent';
  return context.command!.getOptionValueSource(option.attributeName()) === 'cli' ? 'given' : 'available';
}

/**
 * How the running command names a field: by the flag the user gave for it (`learningRate` →
 * `--lr`); as `field in file` when a `--config` file set it; by the flag that would set it when
 * nothing did (a value the user must supply, such as `--data-dir`); else by its path.
 * An element or sub-field keeps its path after the flag: `--widths (hidden[2])`.
 */
export function fieldName(field: string): string {
  const key = Object.hasOwn(FIELD_FLAGS, field) ? field : field.replace(/[[.].*$/, '');
  const flags = (Object.hasOwn(FIELD_FLAGS, key) ? FIELD_FLAGS[key]! : []).filter((f) => flagState(f) !== 'absent');
  const named = (f: string): string => (key === field ? f : `${f} (${field})`);
  const given = flags.filter((f) => flagState(f) === 'given');
  if (given.length > 0) return named(given.join('/'));
  if (context.configFile !== undefined && (context.fileFields.has(key) || context.fileFields.has(field))) return `${field} in ${context.configFile}`;
  return flags.length > 0 ? named(flags.join('/')) : field;
}

/**
 * The text printed for an error: an {@link InvalidInputError} about values the user gave on the
 * command line names their flags (see {@link fieldName}); one about a file (a data file, an
 * experiment, the run record) keeps the file's field paths. A {@link RunStoreError} about a
 * directory an option chose (the output directory, or one in it) is led by that option's flag:
 * `--out: cannot create the output directory /proc/x: …`. A {@link UsageError} reads as its cause.
 */
export function errorText(e: unknown): string {
  if (e instanceof UsageError && e.cause !== undefined) return errorText(e.cause);
  if (e instanceof InvalidInputError) return e.file === undefined ? e.describe(fieldName) : e.message;
  if (e instanceof RunStoreError && e.field !== undefined) return `${fieldName(e.field)}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * A commander parser for a number flag: converts the text, and only refuses text that is not a
 * number (the field's schema decides whether the number is valid).
 */
export function numberArg(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError(`expected a number, found "${v}"`);
  return n;
}

/** A commander parser for a comma-separated list of numbers, e.g. `1000,1000,500` (values checked by the schema). */
export function numberListArg(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '' || Number.isNaN(Number(p)))) {
    throw new InvalidArgumentError(`expected comma-separated numbers such as 1000,1000,500, found "${v}"`);
  }
  return parts.map(Number);
}

/**
 * A commander parser for a flag of the command line's own (no configuration field holds it, so it
 * is checked here): a whole number from `min` to `max`, written in decimal digits only. `Number()`
 * alone also takes `0x50`, `0b1`, `0o7`, `1e3` and `8.0` (`--port 0x50` bound port 80).
 */
export function wholeNumberArg(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected a whole number ${range} in decimal digits, found "${v}"`);
    }
    return n;
  };
}

/**
 * A commander parser for an option or argument that names a file or directory: refuses an empty
 * one, which would otherwise mean the current directory (`export --csv ""` once wrote there,
 * replacing a user's README.txt) or a file named nothing (issue 15, item 6).
 * @param flag the option as typed, e.g. `--out`, or an argument's name, e.g. `<experiment>`.
 * @param what what it names, e.g. `a directory`.
 */
export function pathArg(flag: string, what: string): (v: string) => string {
  return (v: string) => {
    if (v === '') throw new InvalidArgumentError(`${flag} is empty: expected ${what}`);
    return v;
  };
}

/**
 * A commander parser for a run id (`--run-id`, `--resume`, `glorot show <run>`): the one rule of
 * src/core/run-ids.ts, the same as for ids read from the record (commander names the option).
 */
export function runIdArg(v: string): string {
  if (!isRunId(v)) throw new InvalidArgumentError(`expected ${RUN_ID_WORDS}, found ${foundText(v)}`);
  return v;
}

/**
 * `(default x)` for a help string, from the default's one home.
 * @param note said after the value, e.g. `the paper`.
 */
export function defaultText(v: unknown, note?: string): string {
  return `(default ${Array.isArray(v) ? v.join(',') : String(v)}${note !== undefined ? `, ${note}` : ''})`;
}
