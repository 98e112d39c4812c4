/**
 * Keeps the server's resident memory low after large answers. V8 grows its young generation (up to
 * 3 × 16 MiB on Node 20) while a burst of megabyte answers is built and sent, and keeps it: the
 * server then sat at 170 MB after serving a 100-run record, most of it empty heap. A full garbage
 * collection soon after each large answer keeps the young generation from growing (the server
 * stays under the 150 MB of issue 11; bench/dashboard.ts measures it). It costs a few milliseconds
 * per megabyte served, on an otherwise idle server. `gc` is exposed at run time the way Jest does
 * (`--expose-gc` through v8.setFlagsFromString, then taken from a fresh context).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes served after which a collection is scheduled. */
export const COLLECT_AFTER_BYTES = 256 << 10;

/** The engine's `gc()`, or null when it cannot be exposed. */
function exposeGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** Counts the bytes served and collects garbage once they pass {@link COLLECT_AFTER_BYTES}. */
export class MemoryKeeper {
  private served = 0;
  private pending: NodeJS.Immediate | null = null;
  private readonly gc = exposeGc();

  /** Records `bytes` sent; schedules one collection (after the current I/O) when enough were. */
  note(bytes: number): void {
    this.served += bytes;
    if (this.served < COLLECT_AFTER_BYTES || this.pending !== null || this.gc === null) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.served = 0;
      this.gc?.();
    });
  }

  /** Cancels a scheduled collection (the server is closing). */
  stop(): void {
    if (this.pending !== null) clearImmediate(this.pending);
    this.pending = null;
  }
}
