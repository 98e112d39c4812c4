/**
 * The web app's live data logic, against a fake DataSource in Node: a run opens with its first
 * statistics read first; a `point` event re-reads the detail, scalars and evaluations and fetches
 * only the new probe point's histogram frames; points arriving during a refresh coalesce into one
 * more; `reset` reloads everything and drops cached histograms; the cache routes each run's events.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import type { HistogramFrame, LiveEvent, RunDetail, ScalarSeries } from '../../../src/serve/api.ts';
import { RunCache } from '../../../web/src/data/runData.ts';
import type { ConnectionState, DataSource } from '../../../web/src/data/source.ts';

/** A source over one growing run, recording every call. */
class FakeSource implements DataSource {
  readonly kind = 'worker';
  calls: string[] = [];
  points = [0, 10];
  private listener: ((e: LiveEvent) => void) | null = null;
  /** Resolves pending reads when released (to hold a refresh in flight). */
  gate: Promise<void> = Promise.resolve();

  emit(e: LiveEvent): void {
    this.listener?.(e);
  }
  private async log<T>(call: string, value: T): Promise<T> {
    this.calls.push(call);
    await this.gate;
    return value;
  }
  runs(): Promise<never[]> {
    return this.log('runs', []);
  }
  job(): Promise<null> {
    return this.log('job', null);
  }
  run(id: string): Promise<RunDetail> {
    return this.log(`run ${id}`, { id, layers: 3, probePoints: [...this.points], updates: this.points.at(-1) ?? null } as unknown as RunDetail);
  }
  scalars(id: string, names?: readonly ScalarName[]): Promise<ScalarSeries[]> {
    const all: ScalarSeries[] = [{ name: 'activation.std', layer: 1, updates: [...this.points], values: this.points.map(() => 1) }];
    return this.log(`scalars ${id}${names ? ` ${names.join(',')}` : ''}`, all);
  }
  histograms(id: string, tensor: HistogramTensor, updates?: number): Promise<HistogramFrame[]> {
    const at = updates === undefined ? this.points : [updates];
    const frames = at.map((u) => ({ updates: u, layer: 1, tensor, edges: [0, 1], counts: [u], nan: 0, posInf: 0, negInf: 0 }));
    return this.log(`histograms ${id} ${tensor}${updates === undefined ? '' : ` @${updates}`}`, frames);
  }
  evaluations(id: string): Promise<never[]> {
    return this.log(`evaluations ${id}`, []);
  }
  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  onConnection(listener: (s: ConnectionState) => void): () => void {
    listener('live');
    return () => {};
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

test('a run opens with its first statistics, then reads the rest', async () => {
  const src = new FakeSource();
  const run = new RunCache(src).get('a', ['activation.std']);
  await run.load();
  assert.deepEqual(src.calls, ['run a', 'scalars a activation.std', 'run a', 'scalars a', 'evaluations a']);
  assert.deepEqual(run.detail?.probePoints, [0, 10]);
});

test('a point event re-reads the run and fetches only the new histogram frames', async () => {
  const src = new FakeSource();
  const cache = new RunCache(src);
  const run = cache.get('a');
  await run.load();
  assert.deepEqual((await run.histograms('activation')).updates, [0, 10]);
  src.calls = [];
  src.points.push(20);
  src.emit({ type: 'point', runId: 'a', updates: 20 });
  await settle();
  assert.deepEqual(src.calls, ['run a', 'scalars a', 'evaluations a', 'histograms a activation @20']);
  assert.deepEqual((await run.histograms('activation')).updates, [0, 10, 20]);
  assert.deepEqual(run.series('activation.std').get(1)?.updates, [0, 10, 20]);
  // another run's point does not touch this one
  src.calls = [];
  src.emit({ type: 'point', runId: 'b', updates: 5 });
  await settle();
  assert.deepEqual(src.calls, []);
});

test('points arriving while a refresh is in flight coalesce into one more refresh', async () => {
  const src = new FakeSource();
  const run = new RunCache(src).get('a');
  await run.load();
  src.calls = [];
  let release!: () => void;
  src.gate = new Promise((r) => (release = r));
  for (const u of [20, 30, 40, 50]) {
    src.points.push(u);
    src.emit({ type: 'point', runId: 'a', updates: u });
  }
  release();
  await settle();
  src.gate = Promise.resolve();
  await settle();
  assert.equal(src.calls.filter((c) => c === 'scalars a').length, 2, src.calls.join('; '));
  assert.deepEqual(run.detail?.probePoints, [0, 10, 20, 30, 40, 50]);
});

test('reset reloads everything and drops cached histograms', async () => {
  const src = new FakeSource();
  const run = new RunCache(src).get('a');
  await run.load();
  await run.histograms('activation');
  src.points = [0, 5];
  src.calls = [];
  src.emit({ type: 'reset' });
  await settle();
  assert.deepEqual(src.calls, ['run a', 'scalars a', 'evaluations a']);
  assert.deepEqual((await run.histograms('activation')).updates, [0, 5]);
  assert.ok(src.calls.includes('histograms a activation'), 'the tensor is read again whole');
});

test('a run event updates the detail without a read', async () => {
  const src = new FakeSource();
  const run = new RunCache(src).get('a');
  await run.load();
  src.calls = [];
  src.emit({ type: 'run', run: { id: 'a', status: 'finished' } as RunDetail });
  assert.equal(run.detail?.status, 'finished');
  assert.deepEqual(run.detail?.probePoints, [0, 10], 'fields the summary lacks are kept');
  assert.deepEqual(src.calls, []);
});

test('a run event with fewer updates than held (a resume dropped records after its checkpoint) reloads the run', async () => {
  const src = new FakeSource();
  src.points = [0, 10, 20, 30];
  const run = new RunCache(src).get('a');
  await run.load();
  assert.deepEqual((await run.histograms('activation')).updates, [0, 10, 20, 30]);
  src.points = [0, 10, 20];
  src.calls = [];
  src.emit({ type: 'run', run: { id: 'a', status: 'running', updates: 20 } as RunDetail });
  await settle();
  assert.deepEqual(src.calls, ['run a', 'scalars a', 'evaluations a']);
  assert.deepEqual(run.detail?.probePoints, [0, 10, 20]);
  assert.deepEqual(run.series('activation.std').get(1)?.updates, [0, 10, 20]);
  assert.deepEqual((await run.histograms('activation')).updates, [0, 10, 20], 'the dropped probe point is gone from the histograms');
  // a run event that moves forward only patches the detail
  src.calls = [];
  src.emit({ type: 'run', run: { id: 'a', status: 'running', updates: 30 } as RunDetail });
  await settle();
  assert.deepEqual(src.calls, []);
  assert.equal(run.detail?.updates, 30);
});

test('an unavailable event reads nothing (the reset that follows reloads)', async () => {
  const src = new FakeSource();
  const run = new RunCache(src).get('a');
  await run.load();
  src.calls = [];
  src.emit({ type: 'unavailable', error: '/x/glorot.sqlite: no such file' });
  await settle();
  assert.deepEqual(src.calls, []);
  assert.equal(run.error, null);
});

test('framesAt: a probe point the loaded tensor does not hold yet is read alone, not answered with no frames', async () => {
  const source = new FakeSource();
  const run = new RunCache(source).get('r');
  await run.load();
  await run.histograms('activation'); // the whole tensor: points 0 and 10
  source.points = [0, 10, 20]; // committed; the detail names it before the tensor's refresh has fetched it
  const frames = await run.framesAt('activation', 20);
  assert.deepEqual(frames.map((f) => [f.updates, f.layer]), [[20, 1]], 'the new point\'s frame, read alone');
  assert.ok(source.calls.includes('histograms r activation @20'));
  assert.deepEqual((await run.framesAt('activation', 10)).map((f) => f.updates), [10], 'a held point comes from the loaded tensor');
  assert.equal(source.calls.filter((c) => c === 'histograms r activation @10').length, 0);
});
