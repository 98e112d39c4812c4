/**
 * `--backend` and `--threads`, and their environment variables `GLOROT_BACKEND` and `GLOROT_THREADS`:
 * read and checked here, once, for every command (the kernels take explicit values and read no
 * environment). A flag wins over its variable; an empty variable counts as unset.
 */
import type { Command } from 'commander';
import { type BackendName, BACKEND_NAMES } from '../kernels/backend.ts';
import { InvalidInputError } from '../core/errors.ts';

/** The choices of `--backend`: a backend, or `auto` (native when its addon loads, else wasm). */
const BACKEND_CHOICES = ['auto', ...BACKEND_NAMES] as const;
/** Most kernel threads a run may ask for. */
export const MAX_THREADS = 64;
/** Kernel threads when neither `--threads` nor `GLOROT_THREADS` says (parallel runs use the cores better). */
export const DEFAULT_THREADS = 1;

/** The flags as commander gives them. */
export interface BackendFlags {
  readonly backend?: string;
  readonly threads?: string;
}

/** The backend and thread count a command asked for. */
export interface BackendRequest {
  readonly name: BackendName | 'auto';
  readonly threads: number;
}

/**
 * Adds `--backend` and `--threads` to a command.
 * @param perRun whether the thread count is per run (`reproduce`, `run`: several runs in parallel).
 */
export function addBackendOptions(cmd: Command, perRun = false): Command {
  return cmd
    .option('--backend <name>', `${BACKEND_CHOICES.join(' | ')} (default $GLOROT_BACKEND or auto)`)
    .option('--threads <n>', `kernel threads${perRun ? ' per run' : ''} (default $GLOROT_THREADS or ${DEFAULT_THREADS})`);
}

/**
 * The backend and threads asked for: the flag, else the environment variable, else the default.
 * @throws InvalidInputError naming the flag or the variable, what was expected and what was found.
 */
export function backendRequest(flags: BackendFlags, env: NodeJS.ProcessEnv = process.env): BackendRequest {
  const pick = (flag: string | undefined, variable: string): { text: string; from: string } | null => {
    if (flag !== undefined) return { text: flag, from: variable === 'GLOROT_BACKEND' ? '--backend' : '--threads' };
    const v = env[variable];
    return v !== undefined && v !== '' ? { text: v, from: variable } : null;
  };
  const b = pick(flags.backend, 'GLOROT_BACKEND');
  if (b !== null && !(BACKEND_CHOICES as readonly string[]).includes(b.text)) {
    throw new InvalidInputError({ field: b.from, expected: `one of ${BACKEND_CHOICES.join(', ')}`, found: JSON.stringify(b.text) });
  }
  const t = pick(flags.threads, 'GLOROT_THREADS');
  const threads = t === null ? DEFAULT_THREADS : Number(t.text);
  if (t !== null && (t.text.trim() === '' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)) {
    throw new InvalidInputError({ field: t.from, expected: `a whole number of threads from 1 to ${MAX_THREADS}`, found: JSON.stringify(t.text) });
  }
  return { name: (b?.text ?? 'auto') as BackendName | 'auto', threads };
}
