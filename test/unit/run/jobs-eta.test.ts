/**
 * The ETA of a job's progress lines: never from the first seconds (start-up made the paper scale
 * print "ETA 297243 h" after "expected ≈ 180 h 36 min").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ETA_MIN_FRACTION, ETA_MIN_SECONDS, etaText, formatDuration } from '../../../src/cli/jobProgress.ts';

// the paper scale: 30 runs × 2.5 M updates, expected ≈ 180 h 36 min
const toTrain = 30 * 2_500_000;
const estimate = 180 * 3600 + 36 * 60;

test('too little progress: the ETA is what is left of the pre-run estimate, marked as such', () => {
  // the user's case: 64 updates after a few seconds of start-up
  assert.equal(etaText({ elapsed: 4, trainingSeconds: 1, trained: 64, toTrain, remaining: toTrain - 64, estimate }), '≈ 180 h 35 min (pre-run estimate)');
  // 30 s of training but far from 1% of the updates
  assert.equal(
    etaText({ elapsed: 120, trainingSeconds: 115, trained: 46_000, toTrain, remaining: toTrain - 46_000, estimate }),
    '≈ 180 h 34 min (pre-run estimate)',
  );
  // 1% of the updates (a small job) but under 30 s of training
  assert.equal(etaText({ elapsed: 12, trainingSeconds: ETA_MIN_SECONDS - 1, trained: 5000, toTrain: 100_000, remaining: 95_000, estimate: 100 }), '≈ 1 min 28 s (pre-run estimate)');
  // the estimate is used up and the rate not yet trustworthy: no number at all
  assert.equal(etaText({ elapsed: 200, trainingSeconds: 10, trained: 10, toTrain, remaining: toTrain, estimate: 100 }), '…');
  assert.equal(etaText({ elapsed: 0, trainingSeconds: 0, trained: 0, toTrain: 0, remaining: 0, estimate: 0 }), '…');
});

test('enough progress (30 s of training and 1% of the updates): the ETA comes from the measured rate', () => {
  const trained = ETA_MIN_FRACTION * toTrain; // 750,000 updates
  // 750,000 updates in 2,500 s = 300 upd/s; 74,250,000 left → 247,500 s = 68 h 45 min
  const text = etaText({ elapsed: 2510, trainingSeconds: 2500, trained, toTrain, remaining: toTrain - trained, estimate });
  assert.equal(text, '68 h 45 min');
  assert.equal(text, formatDuration(247_500));
  // nothing left
  assert.equal(etaText({ elapsed: 100, trainingSeconds: 90, trained: 1000, toTrain: 1000, remaining: 0, estimate: 50 }), '0 s');
});
