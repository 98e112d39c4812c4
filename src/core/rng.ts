/**
 * The project's one seeded random generator: xoroshiro128+ from pure-rand (a well-kept library),
 * with the distributions the project needs. Every random draw in glorot — initialisation, data
 * generation, shuffling, probe-set choice — goes through an {@link Rng} built from an explicit seed,
 * and its state can be saved and restored exactly (checkpoints).
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** A seeded random generator with uniform, integer and normal draws. Not thread-safe. */
export class Rng {
  private gen: JumpableRandomGenerator;
  private spare: number | null = null;

  /**
   * @param seed a 32-bit integer seed (any safe integer is reduced modulo 2^32).
   * @throws RangeError when `seed` is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, found ${String(seed)}`);
    // pure-rand's own seeding puts the seed straight into the state, so nearby seeds start with
    // nearby streams; we fill the four state words through the SplitMix32 mixer instead.
    let x = seed | 0;
    const words: number[] = [0, 0, 0, 0].map((): number => {
      x = (x + 0x9e3779b9) | 0;
      return fmix32(x);
    });
    if (!words.some((w) => w !== 0)) words[0] = 1; // the all-zero state is a fixed point
    this.gen = xoroshiro128plusFromState(words);
  }

  /**
   * A generator restored from {@link getState}.
   * @throws RangeError when the state is not four 32-bit integers, or is all zero (xoroshiro128+'s
   *   fixed point: it would draw 0 forever, and a data stream restored from it repeats one example).
   */
  static fromState(state: RngState): Rng {
    const { words } = state;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w === (w | 0))) {
      throw new RangeError(`rng state: words: expected four 32-bit integers, found ${JSON.stringify(words)}`);
    }
    if (words.every((w) => w === 0)) {
      throw new RangeError('rng state: words: expected four 32-bit integers not all 0 (the all-zero state draws 0 forever), found [0,0,0,0]');
    }
    if (!(state.spare === null || Number.isFinite(state.spare))) {
      throw new RangeError(`rng state: spare: expected a finite number or null, found ${String(state.spare)}`);
    }
    const r = new Rng(0);
    r.gen = xoroshiro128plusFromState(state.words);
    r.spare = state.spare;
    return r;
  }

  /** The generator's full state (JSON-serialisable), for checkpoints. */
  getState(): RngState {
    return { words: [...this.gen.getState()], spare: this.spare };
  }

  /** 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.gen.next() >>> 5; // 27 bits
    const lo = this.gen.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /**
   * Writes `n` uniform doubles in [0, 1) into `out[0 … n)`: exactly what `n` successive
   * {@link uniform} calls return. For hot loops (the Shapeset training stream): a double returned
   * from a call that V8 does not inline is boxed into a new heap number, values written into an
   * array are not.
   * @throws RangeError when `n` is not an integer in [0, out.length].
   */
  uniforms(out: Float64Array, n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > out.length) {
      throw new RangeError(`uniforms: n must be an integer in [0, ${out.length}], found ${String(n)}`);
    }
    for (let i = 0; i < n; i++) {
      const hi = this.gen.next() >>> 5;
      const lo = this.gen.next() >>> 6;
      out[i] = (hi * 67108864 + lo) / TWO_POW_53;
    }
  }

  /** Uniform double in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /**
   * Uniform integer in [0, n), unbiased (rejection on 32-bit draws).
   * @throws RangeError unless `n` is an integer in [1, 2^32].
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`int(n): n must be an integer in [1, 2^32], found ${String(n)}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      // gen.next() (a small integer) rather than nextUint32(): an unsigned 32-bit value returned
      // from a call is boxed when it exceeds 2^31 − 1 and the call is not inlined
      const v = this.gen.next() >>> 0;
      if (v < limit) return v % n;
    }
  }

  /**
   * Standard normal draw (Box–Muller, polar-free form). The uniform `u1` is taken in (0, 1], so
   * `log(u1)` is finite: never ±Infinity or NaN, even when the source returns exactly 0.
   */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const t = 2 * Math.PI * u2;
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** Fisher–Yates shuffle of `a` in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** The saved state of an {@link Rng}. */
export interface RngState {
  words: number[];
  spare: number | null;
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix of one 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A seed for a named sub-stream, derived from a base seed so that streams never share draws by
 * accident (e.g. `deriveSeed(seed, 'init')`, `deriveSeed(seed, 'probe-set')`). FNV-1a over the name,
 * mixed with the seed through a 32-bit finaliser (murmur3 fmix32).
 */
export function deriveSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}
