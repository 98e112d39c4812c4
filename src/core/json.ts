/**
 * The one reader of JSON a user wrote: a `--config` file, an experiment file (and the JSON inside a
 * checkpoint manifest or a model file's header). Every such file is read the same way (issue 15,
 * item 8): UTF-8, a leading byte-order mark accepted, nesting bounded before parsing (a deeply
 * nested file once overflowed the stack later, in the code that described it), and every failure an
 * {@link InvalidInputError} naming the file, with the line and column where JSON allows it.
 */
import { InvalidInputError } from './errors.ts';
import { readInputFile } from './files.ts';

/**
 * The deepest nesting of arrays and objects accepted. A training configuration nests 2 levels, an
 * experiment 4; 64 is far beyond any real file and far below what overflows a stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The byte-order mark U+FEFF some editors put at the start of a UTF-8 file. */
const BOM = '\uFEFF';

/** `line L, column C` (both from 1) of the character at `offset` of `text`. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/** The offset where nesting first exceeds `max` levels (strings skipped), or -1. */
function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return -1;
}

/** The offset of the first byte of `bytes` that cannot be decoded as UTF-8 (its length if none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0; // where the character being fed began
  for (let i = 0; i < bytes.length; i++) {
    try {
      if (decoder.decode(bytes.subarray(i, i + 1), { stream: true }) !== '') start = i + 1;
    } catch {
      return start;
    }
  }
  return start;
}

/**
 * Parses JSON text a user wrote.
 * @param file the file it came from, for the message.
 * @param what what it should be, e.g. `an experiment`.
 * @returns the parsed value.
 * @throws InvalidInputError naming `file`: `expected JSON (<what>), found invalid JSON at line 3,
 *   column 7 (…)`, or nesting deeper than {@link MAX_JSON_DEPTH} levels with where it happens.
 */
export function parseJsonText(text: string, file: string, what: string): unknown {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const fail = (found: string): never => {
    throw new InvalidInputError({ field: '', expected: `JSON (${what})`, found }, { file });
  };
  const deep = tooDeepAt(body, MAX_JSON_DEPTH);
  if (deep >= 0) fail(`arrays or objects nested more than ${MAX_JSON_DEPTH} levels deep (at ${lineColumn(body, deep)})`);
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /at position (\d+)/.exec(message);
    const short = message.replace(/, ".*" is not valid JSON$/s, '').slice(0, 120);
    return fail(body.trim() === '' ? 'an empty file' : `invalid JSON${at ? ` at ${lineColumn(body, Number(at[1]))}` : ''} (${short})`);
  }
}

/**
 * Reads a UTF-8 JSON file a user wrote (a byte-order mark is accepted).
 * @param what what it should be, e.g. `an experiment`, `a training configuration`.
 * @throws InvalidInputError naming the file when it is not a readable file (see `readInputFile`),
 *   not UTF-8, or not JSON (see {@link parseJsonText}).
 */
export function readJsonFile(path: string, what: string): unknown {
  const bytes = readInputFile(path, `${what}, JSON`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const found = `bytes that are not UTF-8 (from byte ${firstInvalidUtf8(bytes)})`;
    throw new InvalidInputError({ field: '', expected: `UTF-8 text (${what}, JSON)`, found }, { file: path });
  }
  return parseJsonText(text, path, what);
}
