import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProbePoint, probePoints } from '../../../src/config/schedule.ts';

test('probe schedule: 0, early 1-2-5 points, every interval, the last update', () => {
  assert.deepEqual(probePoints(2500, 1000, true), [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 2500]);
  assert.deepEqual(probePoints(2000, 1000, false), [0, 1000, 2000]);
  assert.deepEqual(probePoints(3, 1000, true), [0, 1, 2, 3]);
  for (const [updates, interval, early] of [
    [2500, 1000, true],
    [777, 50, true],
    [777, 50, false],
    [10, 20_000, true],
  ] as const) {
    const listed = probePoints(updates, interval, early);
    for (let u = 0; u <= updates; u++) assert.equal(isProbePoint(u, updates, interval, early), listed.includes(u), `u=${u}`);
  }
});
