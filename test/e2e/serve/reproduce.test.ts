/**
 * `glorot serve` while `glorot reproduce` writes the same record (issue 11's "Done when": reproduce in
 * one terminal, serve in the other): two runs train in parallel processes, the server watches and a
 * client listens and polls Table 1 throughout. The job is never blocked (it exits 0 and its report
 * agrees with the record); every probe point of every run reaches the client once, in order; and the
 * dashboard's Table 1 fills in as the job's configurations end and ends equal to the report's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { JobView, RunSummary } from '../../../src/serve/api.ts';
import { startServer } from '../../../src/serve/index.ts';
import { openRunStore } from '../../../src/store/index.ts';
import { BIN, getJson, openEvents, sleep, tempDir } from '../../helpers/serve.ts';

const root = tempDir();
after(() => rmSync(root, { recursive: true, force: true }));

/** The report's summary.json, as far as this test reads it. */
interface Summary {
  table1: { cells: Array<{ dataset: string; label: string; mean: number | null; runIds: string[] }> };
}

test('glorot reproduce writing, glorot serve watching: the job is never blocked, no point is lost, Table 1 fills in to the report\'s', async (t) => {
  const out = join(root, 'job');
  openRunStore(out).close(); // the record exists before the job starts, as after any earlier run
  const server = await startServer({ outDir: out });
  t.after(() => server.close());
  const sse = openEvents(server.url, `?lastEventId=${server.monitor.lastId}`);
  t.after(() => sse.close());
  await sse.headers;

  const job = spawn(process.execPath, [BIN, 'reproduce', '--scale', 'smoke', '--datasets', 'shapeset', '--jobs', '2', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => job.kill('SIGKILL'));
  let output = '';
  job.stdout.on('data', (c: Buffer) => (output += c.toString()));
  job.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => job.once('exit', r));
  // the page's view of the job while it runs: pending runs and filled cells, every 300 ms
  const seen: Array<{ pending: number; filled: number }> = [];
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const view = await getJson<JobView>(server.url, '/api/job');
    const filled = view.table1.reduce((n, row) => n + Object.values(row.cells).filter((c) => c.ours !== null).length, 0);
    if (view.planned !== undefined && view.planned > 0) seen.push({ pending: view.pending ?? -1, filled });
    await sleep(300);
  }
  assert.equal(await exited, 0, output);
  assert.doesNotMatch(output, /SQLITE_BUSY|database is locked/, 'the server never blocked a writer');

  // the server catches up with the last commits; then every run has ended
  const store = openRunStore(out, { readonly: true });
  t.after(() => store.close());
  const ids = store.listRuns().map((r) => r.id);
  assert.ok(ids.length >= 6, `the smoke job's runs: ${ids.join(', ')}`);
  for (const id of ids) {
    await sse.waitFor((e) => e.event === 'run' && (e.data as { run: RunSummary }).run.id === id && (e.data as { run: RunSummary }).run.status === 'finished', 30_000);
  }

  // every probe point of every run arrived once, in order, each before the summary that includes it
  for (const id of ids) {
    const points = sse.events.filter((e) => e.event === 'point' && (e.data as { runId: string }).runId === id).map((e) => (e.data as { updates: number }).updates);
    assert.deepEqual(points, store.probePoints(id).map((p) => p.updates), `${id}: the events' points are the record's`);
  }
  const eventIds = sse.events.map((e) => Number(e.id));
  assert.deepEqual(eventIds, eventIds.map((_, i) => eventIds[0]! + i), 'consecutive ids from the one the page loaded with: nothing skipped');

  // Table 1 filled in while the job ran (pending went down, never up), and ends as the report's
  assert.ok(seen.length > 0 && seen[0]!.pending > 0, `the page saw the job with runs pending: ${JSON.stringify(seen.slice(0, 3))}`);
  for (let i = 1; i < seen.length; i++) {
    assert.ok(seen[i]!.pending <= seen[i - 1]!.pending && seen[i]!.filled >= seen[i - 1]!.filled, `pending never goes up, cells never empty: ${JSON.stringify(seen)}`);
  }
  assert.ok(seen.some((x) => x.filled > 0 && x.pending > 0), `a cell filled in while runs still trained: ${JSON.stringify(seen)}`);
  const view = await getJson<JobView>(server.url, '/api/job');
  assert.equal(view.pending, 0);
  assert.equal(view.planned, ids.length);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  const cells = summary.table1.cells.filter((c) => c.dataset === 'shapeset');
  assert.ok(cells.length > 0);
  for (const c of cells) {
    const row = view.table1.find((r) => r.label === c.label);
    const cell = row?.cells['shapeset'];
    assert.ok(cell !== undefined, `${c.label} in the dashboard's Table 1`);
    assert.equal(cell.ours, c.mean, `${c.label}: the dashboard's number is the report's`);
    assert.deepEqual(cell.runIds ?? [], c.runIds, c.label);
  }
});
