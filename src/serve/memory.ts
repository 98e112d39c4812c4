/**
 * Keeps the server's resident memory low after large answers. V8 grows its young generation from
 * 1 MiB to 32 MiB (two semi-spaces of 16) while a burst of answers is built and sent, and keeps it
 * committed: the server sat at 170 MB after serving a 100-run record, most of it empty heap. Two
 * measures (bench/dashboard.ts measures the result against issue 11's 150 MB):
 * - {@link keepYoungGenerationSmall}: the young generation never grows (`--semi-space-growth-factor=1`,
 *   which V8 reads at each resize, so it can be set at run time); alone it still peaked at 170 MB, the
 *   garbage being promoted instead;
 * - full collections: after each 256 KiB sent the keeper reads the resident size (cheap) and collects
 *   when it is high ({@link COLLECT_ABOVE_RSS_BYTES}), at most every 10 s when it is middling
 *   ({@link SOFT_COLLECT_ABOVE_RSS_BYTES}), and not when it is low. A collection after every 256 KiB
 *   doubled the CPU of a live page's refresh (31 ms instead of 13 ms for a 30-point run), CPU that a
 *   busy machine takes from training.
 * `gc` is exposed at run time the way Jest does (`--expose-gc` through v8.setFlagsFromString, then
 * taken from a fresh context).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes served after which the resident size is looked at. */
export const COLLECT_AFTER_BYTES = 256 << 10;

/**
 * Above this resident size a full collection runs after every {@link COLLECT_AFTER_BYTES} sent: the
 * peak stays under the 150 MB of issue 11 by the growth of one burst of answers (bench/dashboard.ts),
 * and a server at work on a small record (121–134 MB) stays below it.
 */
export const COLLECT_ABOVE_RSS_BYTES = 140 << 20;

/**
 * Between this resident size and {@link COLLECT_ABOVE_RSS_BYTES}, at most one collection per
 * {@link SOFT_COLLECT_EVERY_MS}: a server at work on a small record with a live page sits at
 * 121–131 MB, where a collection cannot bring it much lower and one per refresh would double the
 * refresh's CPU. Below it, none.
 */
export const SOFT_COLLECT_ABOVE_RSS_BYTES = 124 << 20;

/** The least time between two collections while the resident size is between the two thresholds, ms. */
export const SOFT_COLLECT_EVERY_MS = 10_000;

/**
 * Whether to run a full collection now, {@link COLLECT_AFTER_BYTES} after the last look.
 * @param rss the resident size, bytes.
 * @param now the time, ms (any clock).
 * @param lastCollection when the last collection ran, ms on the same clock (−∞ for never).
 */
export function shouldCollect(rss: number, now: number, lastCollection: number): boolean {
  if (rss > COLLECT_ABOVE_RSS_BYTES) return true;
  return rss > SOFT_COLLECT_ABOVE_RSS_BYTES && now - lastCollection >= SOFT_COLLECT_EVERY_MS;
}

/**
 * Stops V8 from growing the young generation beyond its starting size (`--semi-space-growth-factor=1`,
 * read by V8 each time it resizes, so it can be set at run time): for this process only (the server's).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

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

  private lastCollection = -Infinity;

  /** Records `bytes` sent; once enough were, checks (after the current I/O) whether to collect. */
  note(bytes: number): void {
    this.served += bytes;
    if (this.served < COLLECT_AFTER_BYTES || this.pending !== null || this.gc === null) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.served = 0;
      const now = Date.now();
      if (!shouldCollect(process.memoryUsage.rss(), now, this.lastCollection)) return;
      this.lastCollection = now;
      this.gc?.();
    });
  }

  /** Cancels a scheduled collection (the server is closing). */
  stop(): void {
    if (this.pending !== null) clearImmediate(this.pending);
    this.pending = null;
  }
}
