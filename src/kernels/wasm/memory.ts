/**
 * The wasm backend's allocator: hands out 64-byte aligned blocks of the shared linear memory and
 * takes them back. First fit over an address-ordered free list with coalescing; a block freed at
 * the top lowers the top. Buffers are few and long-lived (weights, activations, workspaces), so
 * the lists stay short. It does not touch the memory's contents; the backend zero-fills.
 */

/** Alignment of every block, in bytes: a cache line, and a multiple of the 16-byte SIMD width. */
export const BLOCK_ALIGN = 64;

/** A contiguous range of linear memory, `[start, start + bytes)` (byte offsets). */
interface Range {
  start: number;
  bytes: number;
}

/**
 * First-fit allocator over `[base, ∞)` of a linear memory. `ensure(end)` is called before a block
 * ending at byte `end` is handed out; it must make the memory at least that large or throw.
 */
export class BlockAllocator {
  private readonly free: Range[] = [];
  private readonly used = new Map<number, number>();
  private top: number;

  /**
   * @param base first byte offset to hand out (a multiple of {@link BLOCK_ALIGN}).
   * @param ensure grows the memory to at least `end` bytes; throws (RangeError) when it cannot.
   */
  constructor(
    base: number,
    private readonly ensure: (end: number) => void,
  ) {
    if (base % BLOCK_ALIGN !== 0) throw new RangeError(`allocator base ${base} is not ${BLOCK_ALIGN}-byte aligned`);
    this.top = base;
  }

  /**
   * Reserves at least `bytes` bytes (at least one block) and returns the byte offset of the start.
   * @throws RangeError when the memory cannot grow.
   */
  alloc(bytes: number): number {
    const size = Math.max(BLOCK_ALIGN, Math.ceil(bytes / BLOCK_ALIGN) * BLOCK_ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const r = this.free[i]!;
      if (r.bytes >= size) {
        const start = r.start;
        if (r.bytes === size) this.free.splice(i, 1);
        else {
          r.start += size;
          r.bytes -= size;
        }
        this.used.set(start, size);
        return start;
      }
    }
    const start = this.top;
    this.ensure(start + size);
    this.top = start + size;
    this.used.set(start, size);
    return start;
  }

  /**
   * Returns the block that starts at `start` to the free list.
   * @throws Error when no live block starts there (double free, or not from {@link alloc}).
   */
  release(start: number): void {
    const size = this.used.get(start);
    if (size === undefined) {
      throw new Error(`no live block starts at byte ${start}: freed twice, or not from alloc()`);
    }
    this.used.delete(start);
    // insert in address order, then merge with the neighbours
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    this.free.splice(i, 0, { start, bytes: size });
    const next = this.free[i + 1];
    if (next && start + size === next.start) {
      this.free[i]!.bytes += next.bytes;
      this.free.splice(i + 1, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev.start + prev.bytes === start) {
      prev.bytes += this.free[i]!.bytes;
      this.free.splice(i, 1);
      i--;
    }
    // a free range that reaches the top gives the space back to the bump pointer
    const last = this.free[this.free.length - 1];
    if (last && last.start + last.bytes === this.top) {
      this.top = last.start;
      this.free.pop();
    }
  }

  /** Size in bytes of the live block starting at `start`, or undefined. */
  sizeOf(start: number): number | undefined {
    return this.used.get(start);
  }

  /** Bytes in live blocks, and the high end of the heap (for tests and diagnostics). */
  stats(): { liveBytes: number; liveBlocks: number; top: number; freeRanges: number } {
    let liveBytes = 0;
    for (const s of this.used.values()) liveBytes += s;
    return { liveBytes, liveBlocks: this.used.size, top: this.top, freeRanges: this.free.length };
  }
}
