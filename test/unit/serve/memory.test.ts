/**
 * The server's young generation stays at its starting size once keepYoungGenerationSmall has run
 * (V8 reads the growth factor each time it resizes, so the flag works when set at run time): a burst
 * of allocations that grows it to 32 MiB by default leaves it at a few MiB. In its own file: the flag
 * holds for the rest of the process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { keepYoungGenerationSmall } from '../../../src/serve/memory.ts';

/** The young generation's committed size, MiB. */
const youngMiB = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size / 2 ** 20;

/** Allocates ≈ 100 MB of short-lived strings, keeping the last 20 (what building JSON answers does). */
function burst(): void {
  const keep: string[] = [];
  for (let i = 0; i < 300; i++) {
    keep.push(JSON.stringify(Array.from({ length: 20000 }, (_, j) => j * Math.random())));
    if (keep.length > 20) keep.shift();
  }
}

test('keepYoungGenerationSmall: a burst of allocations no longer grows the young generation', () => {
  const before = youngMiB();
  assert.ok(before <= 4, `the young generation starts small: ${before} MiB`);
  keepYoungGenerationSmall();
  burst();
  assert.ok(youngMiB() <= Math.max(4, before), `it stays at ${youngMiB()} MiB (without the flag: 32 MiB)`);
});
