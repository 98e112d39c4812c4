/**
 * Typed errors for bad input. A layer below the command line (config, data, run, kernels) describes a
 * bad value by its field path in the configuration's own terms (`learningRate`, `hidden[2]`,
 * `probe.bins`, `testSize`), what was expected and what was found, and never by a command-line flag:
 * only src/cli knows flags, and it names each field as the flag the user typed through one table
 * (src/cli/flags.ts), by calling {@link InvalidInputError.describe}.
 */

/** One invalid value: where it is, what a valid one is, and what was there. */
export interface InputIssue {
  /** Field path: `learningRate`, `hidden[2]`, `probe.bins`, `testSize`; `''` for the input as a whole. */
  readonly field: string;
  /** A valid value in words, e.g. `a finite number > 0`, `one of sigmoid, tanh, softsign`. */
  readonly expected: string;
  /** What was found, in words (see {@link foundText}), e.g. `0`, `"gelu"`, `nothing`. */
  readonly found: string;
}

/** Where an input came from and what it is, for the message. */
export interface InputSource {
  /** The file the values were read from (a configuration, an experiment, a data file, a run record). */
  readonly file?: string;
  /** What the input describes, e.g. `shapeset`, `run r`, `experiment e1, variant Tanh N`. */
  readonly subject?: string;
  /**
   * What kind of input it is, e.g. `invalid training configuration`. When given, the issues are
   * listed one per line under it (the form of a whole configuration); otherwise each is one line.
   */
  readonly title?: string;
  /** What to do about it, e.g. `repair runs.config, or start a new run`, shown after the title. */
  readonly hint?: string;
}

/**
 * Bad input: one or more {@link InputIssue}s, with where the input came from. The message names
 * every field by its path; {@link describe} names them another way (the CLI: by their flags).
 */
export class InvalidInputError extends Error {
  /** Every invalid value found (at least one). */
  readonly issues: readonly InputIssue[];
  readonly file: string | undefined;
  readonly subject: string | undefined;
  readonly title: string | undefined;
  readonly hint: string | undefined;

  /**
   * @param issues one issue, or several (at least one).
   * @throws RangeError when `issues` is an empty list (an error must say what is wrong).
   */
  constructor(issues: InputIssue | readonly InputIssue[], source: InputSource = {}) {
    const list: readonly InputIssue[] = Array.isArray(issues) ? [...(issues as readonly InputIssue[])] : [issues as InputIssue];
    if (list.length === 0) throw new RangeError('InvalidInputError: expected at least one issue, found none');
    super(formatInvalidInput(list, source, (f) => f));
    this.name = 'InvalidInputError';
    this.issues = list;
    this.file = source.file;
    this.subject = source.subject;
    this.title = source.title;
    this.hint = source.hint;
  }

  /** The field path of the first issue. */
  get field(): string {
    return this.issues[0]!.field;
  }

  /** What the first issue expected. */
  get expected(): string {
    return this.issues[0]!.expected;
  }

  /** What the first issue found. */
  get found(): string {
    return this.issues[0]!.found;
  }

  /**
   * The message with each field named by `name` (the message itself uses the field paths).
   * @param name e.g. `learningRate` → `--lr`; it receives each issue's field path.
   */
  describe(name: (field: string) => string): string {
    return formatInvalidInput(this.issues, this, name);
  }
}

/**
 * The text of an {@link InvalidInputError}: `file: subject: field: expected E, found F`, or with a
 * title `file: subject: title (hint):` and one `  - field: expected E, found F` line per issue.
 */
function formatInvalidInput(issues: readonly InputIssue[], source: InputSource, name: (field: string) => string): string {
  const line = (i: InputIssue): string => `${i.field === '' ? '' : `${name(i.field)}: `}expected ${i.expected}, found ${i.found}`;
  const where = [source.file, source.subject].filter((s) => s !== undefined && s !== '').join(': ');
  const prefix = where === '' ? '' : `${where}: `;
  if (source.title !== undefined) {
    const head = `${prefix}${source.title}${source.hint !== undefined ? ` (${source.hint})` : ''}:`;
    return [head, ...issues.map((i) => `  - ${line(i)}`)].join('\n');
  }
  const body = issues.map(line).join('\n');
  return `${prefix}${body}${source.hint !== undefined ? ` (${source.hint})` : ''}`;
}

/**
 * A value as it follows "found": JSON for data (`"gelu"`, `[1,2]`, `0`), `nothing` for a missing
 * value, `NaN` / `Infinity` for non-finite numbers, and long text cut at 60 characters; a value JSON
 * cannot write (nested too deep, a cycle) by its kind. Never throws.
 */
export function foundText(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  let text: string;
  try {
    // a long array is cut before it is written out (only 60 characters are shown)
    text = Array.isArray(v) && v.length > 16 ? `${JSON.stringify(v.slice(0, 16)).slice(0, -1)},…` : (JSON.stringify(v) ?? String(v));
  } catch {
    // a cycle, a bigint inside, or nesting too deep for the stack: say what it is, never recurse
    text = Array.isArray(v) ? `an array of ${v.length}` : typeof v === 'object' && v !== null ? 'an object' : typeof v;
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
