/**
 * The value domains of configuration fields, each built once with the words that describe it: every
 * issue zod raises for a field says what the field expects in those words (`learningRate: expected a
 * finite number > 0, found 0`), never zod's generic text. And the translation of zod's issues into
 * {@link InvalidInputError}s, naming each field by its path (`hidden[2]`, `probe.bins`).
 */
import { z } from 'zod';
import { foundText, type InputIssue, InvalidInputError, type InputSource } from '../core/errors.ts';

/** `10000` → `10,000`: numbers in domain words as people write them. */
function grouped(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * A whole number ≥ `min`, and ≤ `max` when given.
 * @param why said after the range, e.g. the reason for a limit.
 */
export function wholeNumber(min: number, max?: number, why?: string): z.ZodNumber {
  const range = max === undefined ? `a whole number ≥ ${grouped(min)}` : `a whole number from ${grouped(min)} to ${grouped(max)}`;
  const error = why === undefined ? range : `${range} (${why})`;
  const s = z.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? s : s.max(max, { error });
}

/** A finite number > 0. */
export function positiveNumber(): z.ZodNumber {
  const error = 'a finite number > 0';
  return z.number({ error }).positive({ error });
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(): z.ZodNumber {
  const error = 'a finite number ≥ 0';
  return z.number({ error }).min(0, { error });
}

/** A whole number in JavaScript's safe range (±(2^53 − 1)). */
export function safeInteger(): z.ZodNumber {
  const error = 'a whole number (at most 2^53 − 1 in size)';
  return z.number({ error }).int({ error });
}

/** One of `values`, named in the issue. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: `one of ${values.join(', ')}` });
}

/** A boolean (`true` or `false`). */
export function yesNo(): z.ZodBoolean {
  return z.boolean({ error: 'true or false' });
}

/** A field path as people write it: `['hidden', 2]` → `hidden[2]`, `['probe', 'bins']` → `probe.bins`. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

/** The value at `path` in `input` (undefined when there is none). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/**
 * One {@link InputIssue} per zod issue, in order, without repeats: the field path, the domain's words
 * (the issue's message: see the builders above) and the value found. An unknown field is named by its
 * own path, not the object that holds it.
 */
export function inputIssues(issues: readonly z.core.$ZodIssue[], input: unknown): InputIssue[] {
  const out: InputIssue[] = [];
  const add = (issue: InputIssue): void => {
    if (!out.some((o) => o.field === issue.field && o.expected === issue.expected)) out.push(issue);
  };
  for (const i of issues) {
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) {
        const path = [...i.path, k];
        const expected = 'no such field (it is not part of the configuration; check its spelling)';
        add({ field: fieldPath(path), expected, found: foundText(valueAt(input, path)) });
      }
    } else add({ field: fieldPath(i.path), expected: i.message, found: foundText(valueAt(input, i.path)) });
  }
  return out;
}

/**
 * Parses `input` with `schema`.
 * @throws InvalidInputError listing every invalid field (see {@link inputIssues}), with `source`.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, source: InputSource): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new InvalidInputError(inputIssues(r.error.issues, input), source);
}
