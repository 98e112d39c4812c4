/**
 * The training rate a progress report shows: updates per second over a moving window of the last
 * {@link RATE_WINDOW_SECONDS} (issue 15, item 10: a cumulative average since the run started hides
 * the current speed — it starts low with start-up and the first probe points, and lags every change).
 */

/** The width of the moving window, seconds. */
export const RATE_WINDOW_SECONDS = 10;

/** Samples kept at most (reports come at most every few hundred ms: 64 cover the window with room). */
const CAPACITY = 64;

/**
 * Updates per second over the last {@link RATE_WINDOW_SECONDS}: each sample (time, update count)
 * is kept until a newer one is also older than the window, so the rate is measured from the newest
 * sample at least a window old (or from the first sample, early in a run). Allocation-free after
 * construction (the training loop calls it).
 */
export class RecentRate {
  private readonly times = new Float64Array(CAPACITY);
  private readonly updates = new Float64Array(CAPACITY);
  private first = 0;
  private count = 0;

  /**
   * @param windowSeconds the window's width, seconds (> 0).
   * @throws RangeError for a window that is not a positive finite number.
   */
  constructor(private readonly windowSeconds = RATE_WINDOW_SECONDS) {
    if (!(Number.isFinite(windowSeconds) && windowSeconds > 0)) throw new RangeError(`rate window: expected seconds > 0, found ${windowSeconds}`);
  }

  /**
   * Adds a sample and returns the rate over the window ending at it.
   * @param ms the sample's time, milliseconds (performance.now()), not before the previous sample's.
   * @param update the update count at that time.
   * @returns updates per second since the window's first sample; 0 for the first sample.
   */
  add(ms: number, update: number): number {
    if (this.count === CAPACITY) this.drop();
    const at = (this.first + this.count) % CAPACITY;
    this.times[at] = ms;
    this.updates[at] = update;
    this.count++;
    // keep one sample at least a window old (the anchor): drop older ones
    const edge = ms - this.windowSeconds * 1000;
    while (this.count > 2 && this.times[(this.first + 1) % CAPACITY]! <= edge) this.drop();
    const seconds = (ms - this.times[this.first]!) / 1000;
    return seconds > 0 ? (update - this.updates[this.first]!) / seconds : 0;
  }

  private drop(): void {
    this.first = (this.first + 1) % CAPACITY;
    this.count--;
  }
}
