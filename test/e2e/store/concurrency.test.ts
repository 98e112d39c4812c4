import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openRunStore } from '../../../src/store/index.ts';
import { LAYERS, SCALARS_PER_POINT, syntheticPoint, tempDir, TENSORS } from '../../helpers/store.ts';

test('a second connection reads a consistent snapshot while a probe point is being written', () => {
  const { dir, cleanup } = tempDir();
  const writer = openRunStore(dir);
  const reader = openRunStore(dir, { readonly: true });
  try {
    const { id } = writer.createRun({ config: {}, seed: 1, backend: 'wasm', threads: 1 });
    writer.recordProbePoint(id, 0, syntheticPoint(0));
    // A scalar whose value is read from inside the writer's open transaction, after some of the
    // point's rows were inserted: the reader must still see only the committed point 0.
    const seen: string[] = [];
    const spy = {
      layer: 1,
      name: 'jacobian.sv_max' as const,
      get value(): number {
        seen.push(JSON.stringify([reader.probePoints(id).map((p) => p.updates), reader.scalarSeries(id, 'activation.mean', 1).length]));
        return 42;
      },
    };
    const point = syntheticPoint(10);
    writer.recordProbePoint(id, 10, { ...point, scalars: [...point.scalars!, spy] });
    assert.ok(seen.length > 0);
    assert.deepEqual(new Set(seen), new Set(['[[0],1]']));
    // after the commit the reader sees the whole point
    assert.deepEqual(reader.probePoints(id).map((p) => p.updates), [0, 10]);
    assert.equal(reader.readProbePoint(id, 10)!.scalars.length, SCALARS_PER_POINT + 1);
    assert.equal(reader.scalarSeries(id, 'jacobian.sv_max', 1)[0]!.value, 42);
  } finally {
    reader.close();
    writer.close();
    cleanup();
  }
});

test('another process reads while this one writes, and only ever sees complete probe points', async () => {
  const { dir, cleanup } = tempDir();
  const writer = openRunStore(dir);
  try {
    const { id } = writer.createRun({ config: {}, seed: 1, backend: 'wasm', threads: 1 });
    writer.recordProbePoint(id, 0, syntheticPoint(0));
    const fixture = fileURLToPath(new URL('./fixtures/reader.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fixture, dir, id, String(SCALARS_PER_POINT), String(LAYERS * TENSORS.length), '2'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    while (!out.includes('ready\n')) {
      if (child.exitCode !== null) throw new Error(`reader exited early: ${out}`);
      await sleep(20);
    }
    const POINTS = 150;
    for (let u = 1; u <= POINTS; u++) {
      writer.recordProbePoint(id, u, syntheticPoint(u));
      await sleep(1); // let the reader's reads interleave with the writes
    }
    child.stdin.end();
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { reads: number; violations: string[]; seenCounts: number[] };
    assert.deepEqual(result.violations, []);
    assert.ok(result.reads > 50, `only ${result.reads} reads`);
    // the reader really ran concurrently: it saw intermediate states, and the final one
    assert.ok(result.seenCounts.length >= 5, `reader saw only ${JSON.stringify(result.seenCounts)}`);
    assert.equal(result.seenCounts.at(-1), POINTS + 1);
  } finally {
    writer.close();
    cleanup();
  }
});

test('several worker processes create and write the same new run record at once', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const fixture = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
    const out = `${dir}/out`;
    const ids = ['w1', 'w2', 'w3'];
    const POINTS = 60;
    const children = ids.map((id) => spawn(process.execPath, ['--import', 'tsx', fixture, out, id, String(POINTS)], { stdio: ['ignore', 'inherit', 'pipe'] }));
    const codes = await Promise.all(
      children.map(async (c) => {
        let err = '';
        c.stderr.setEncoding('utf8');
        c.stderr.on('data', (d: string) => (err += d));
        const [code] = (await once(c, 'exit')) as [number | null];
        return { code, err };
      }),
    );
    assert.deepEqual(codes, ids.map(() => ({ code: 0, err: '' })));
    const store = openRunStore(out, { readonly: true });
    try {
      assert.deepEqual(store.listRuns().map((r) => [r.id, r.status, r.lastUpdate]).sort(), ids.map((id) => [id, 'finished', POINTS - 1]));
      for (const id of ids) assert.equal(store.scalarSeries(id, 'probe.loss', -1).length, POINTS);
    } finally {
      store.close();
    }
  } finally {
    cleanup();
  }
});
