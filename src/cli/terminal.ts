/**
 * The command line's output: everything glorot prints goes through {@link print} or
 * {@link printError}, which write it through `terminalText` (src/core/escape.ts), so a name glorot did
 * not choose — a class folder, a dataset path, a label, a file quoted in an error — is shown, never
 * obeyed by the terminal (issue 15, item 7: no window title, colour or cursor sequence from a name).
 * test/unit/repo/terminal-output.test.ts checks that no other file in src/cli writes to the console.
 */
import { terminalText } from '../core/escape.ts';

/** Prints `text` and a newline on stdout, escaped for the terminal. */
export function print(text: string): void {
  process.stdout.write(`${terminalText(text)}\n`);
}

/** Prints `text` and a newline on stderr, escaped for the terminal (errors, warnings, notices). */
export function printError(text: string): void {
  process.stderr.write(`${terminalText(text)}\n`);
}

/** A progress bar's payload with every text value escaped for the terminal (the bar draws its own codes). */
export function barPayload<T extends Record<string, string | number>>(payload: T): T {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(payload)) out[k] = typeof v === 'string' ? terminalText(v) : v;
  return out as T;
}

/** Commander's output (help, usage errors quoting what was typed), escaped for the terminal. */
export const COMMANDER_OUTPUT = {
  writeOut: (text: string): void => {
    process.stdout.write(terminalText(text));
  },
  writeErr: (text: string): void => {
    process.stderr.write(terminalText(text));
  },
} as const;
