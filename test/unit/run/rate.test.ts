/**
 * The rate a progress report shows is the current one: updates per second over a moving window
 * (src/run/rate.ts), not the average since the run started (issue 15, item 10: `train` and
 * `reproduce` showed an average that started low and lagged every change of speed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RATE_WINDOW_SECONDS, RecentRate } from '../../../src/run/rate.ts';

test('RecentRate: after a change of speed the rate is the new speed once a window has passed (an average since the start would not be)', () => {
  const r = new RecentRate();
  let u = 0;
  let t = 0;
  assert.equal(r.add(t, u), 0, 'the first sample: nothing measured yet');
  // 60 s at 100 updates/s, reports every 500 ms
  for (let i = 0; i < 120; i++) assert.equal(r.add((t += 500), (u += 50)), 100);
  // then 20 updates/s (e.g. the machine got busy): within a window the rate falls; after one it is exact
  let last = NaN;
  for (let i = 0; i < 2 * RATE_WINDOW_SECONDS; i++) {
    const now = r.add((t += 500), (u += 10));
    assert.ok(now < (Number.isNaN(last) ? 100 : last) && now >= 20, `falls monotonically toward 20: ${now}`);
    last = now;
  }
  assert.equal(last, 20);
  const average = u / (t / 1000);
  assert.ok(average > 80, `the old cumulative average would still say ${average.toFixed(1)} upd/s`);
});

test('RecentRate: a run resumed at update 40,000 counts only the updates since (not 40,000 in the first half second)', () => {
  const r = new RecentRate();
  r.add(1000, 40_000);
  assert.equal(r.add(1500, 40_025), 50);
  assert.equal(r.add(2000, 40_050), 50);
});

test('RecentRate: irregular reports (a long probe point) and more samples than its ring holds', () => {
  const r = new RecentRate(2);
  r.add(0, 0);
  // a probe point: 3 s without updates, then 1000 updates/s in 1 ms steps (far more samples than the ring's 64)
  assert.equal(r.add(3000, 0), 0);
  let u = 0;
  let rate = 0;
  for (let t = 3001; t <= 8000; t++) rate = r.add(t, (u += 1));
  assert.ok(Math.abs(rate - 1000) < 1e-9, `${rate}`);
  assert.throws(() => new RecentRate(0), /rate window: expected seconds > 0, found 0/);
});
