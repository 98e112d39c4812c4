/**
 * End-to-end tests of the dashboard's API over real HTTP, against a real record made by a real
 * `glorot train`: every endpoint returns what the record holds, every response carries the
 * cross-origin-isolation headers, bad input gets 4xx JSON naming what was asked, user-controlled
 * strings come back as JSON data, and the server never changes the record's bytes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { EvaluationSeries, HistogramFrame, JobView, RunDetail, RunSummary, ScalarSeries } from '../../../src/serve/api.ts';
import { type RunningServer, startServer } from '../../../src/serve/index.ts';
import { openRunStore } from '../../../src/store/index.ts';
import { get, getJson, tempDir, trainTiny } from '../../helpers/serve.ts';

const root = tempDir();
const out = join(root, 'out');
const web = join(root, 'web');
const RUN = 'tiny-tanh';
const XSS = '<img src=x onerror=alert(1)>';
let server: RunningServer;
let base: string;

/**
 * sha256 of the record's database file and of its WAL (`-`: absent or empty). A read-only SQLite
 * connection to a WAL database creates an EMPTY -wal (and the -shm index) when none exists: that
 * holds no data and changes nothing of the record, so absent and empty compare equal.
 */
function recordBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['glorot.sqlite', 'glorot.sqlite-wal']) {
    const p = join(dir, f);
    const bytes = existsSync(p) ? readFileSync(p) : Buffer.alloc(0);
    out[f] = bytes.length === 0 ? '-' : createHash('sha256').update(bytes).digest('hex');
  }
  return out;
}

let bytesBefore: Record<string, string>;

before(async () => {
  trainTiny(out, RUN);
  // a run whose user-controlled strings are markup (its config as given, e.g. a class folder's name)
  const w = openRunStore(out);
  w.createRun({ id: 'xss', config: { dataset: XSS, activation: XSS, init: XSS, classes: [XSS], hidden: [2] }, seed: 1, backend: 'reference', threads: 1 });
  w.close();
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>app</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'SECRET');
  symlinkSync(join(root, 'secret.txt'), join(web, 'leak.txt'));
  bytesBefore = recordBytes(out);
  server = await startServer({ outDir: out, webDir: web });
  base = server.url;
});

after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

test('the run list and a run: what the record holds', async () => {
  const runs = await getJson<RunSummary[]>(base, '/api/runs');
  assert.deepEqual(runs.map((r) => r.id), ['xss', RUN], 'newest first');
  const r = runs[1]!;
  const store = openRunStore(out, { readonly: true });
  try {
    const info = store.getRun(RUN);
    assert.equal(r.status, 'finished');
    assert.deepEqual([r.dataset, r.activation, r.init, r.learningRate, r.hidden, r.seed], ['shapeset', 'tanh', 'normalized', 0.01, [8, 8], 1]);
    assert.equal(r.totalUpdates, 40);
    assert.equal(r.updates, 40);
    assert.equal(r.testError, store.latestEvaluation(RUN, 'test')!.errorRate);
    assert.equal(r.validationError, store.latestEvaluation(RUN, 'validation')!.errorRate);
    assert.ok(r.rate !== null && r.rate > 0, 'a rate from the probe points');
    assert.equal(r.secondsLeft, null, 'a finished run has no time left');
    assert.equal(r.updatedAt, info.updatedAt);
    const d = await getJson<RunDetail>(base, `/api/runs/${RUN}`);
    assert.deepEqual(d.probePoints, store.probePoints(RUN).map((p) => p.updates));
    assert.deepEqual(d.probePoints.slice(0, 3), [0, 1, 2]);
    assert.deepEqual(d.config, info.config);
    assert.equal(d.layers, 3);
    assert.equal(d.backend, 'reference');
  } finally {
    store.close();
  }
});

test('scalars, histograms and evaluations: exactly as stored, bins never rebinned', async () => {
  const store = openRunStore(out, { readonly: true });
  try {
    const all = await getJson<ScalarSeries[]>(base, `/api/runs/${RUN}/scalars`);
    assert.deepEqual([...new Set(all.map((s) => s.name))], store.scalarNames(RUN));
    const std = await getJson<ScalarSeries[]>(base, `/api/runs/${RUN}/scalars?names=activation.std,probe.loss`);
    assert.deepEqual(std.map((s) => [s.name, s.layer]), [['activation.std', 1], ['activation.std', 2], ['probe.loss', -1]]);
    const layer2 = store.scalarSeries(RUN, 'activation.std', 2);
    assert.deepEqual(std[1]!.updates, layer2.map((p) => p.updates));
    assert.deepEqual(std[1]!.values, layer2.map((p) => p.value));
    const frames = await getJson<HistogramFrame[]>(base, `/api/runs/${RUN}/histograms?tensor=activation`);
    const stored = store.histogramSeries(RUN, 'activation');
    assert.equal(frames.length, stored.length);
    assert.deepEqual(frames[5]!.edges, Array.from(stored[5]!.edges));
    assert.deepEqual(frames[5]!.counts, Array.from(stored[5]!.counts));
    assert.equal(frames[5]!.counts.length, 100, 'the 100 stored bins');
    const at = await getJson<HistogramFrame[]>(base, `/api/runs/${RUN}/histograms?tensor=backprop_grad&updates=10`);
    assert.deepEqual(at.map((f) => [f.updates, f.layer]), [[10, 1], [10, 2], [10, 3]]);
    assert.deepEqual(await getJson(base, `/api/runs/${RUN}/histograms?tensor=activation&updates=7`), [], 'no probe point at 7');
    const evals = await getJson<EvaluationSeries[]>(base, `/api/runs/${RUN}/evaluations`);
    assert.deepEqual(evals.map((e) => e.split), ['train', 'validation', 'test']);
    const test = store.evaluationSeries(RUN, 'test');
    assert.deepEqual(evals[2]!.errorRate, test.map((p) => p.errorRate));
    assert.deepEqual(evals[2]!.nll, test.map((p) => p.nll));
    const job = await getJson<JobView>(base, '/api/job');
    assert.deepEqual([job.table1, job.checks], [[], []], 'no reproduce plan here: nothing presented as a result');
    assert.match(job.note!, /no reproduce job/);
  } finally {
    store.close();
  }
});

test('every response is cross-origin isolated and never sniffed', async () => {
  const replies = await Promise.all([
    get(base, '/api/runs'), get(base, '/'), get(base, '/assets/app.js'), get(base, '/api/runs/nope'), get(base, '/nope.js'),
    get(base, '/api/runs', { method: 'POST' }), get(base, '/api/runs', { headers: { host: 'evil.example' } }),
  ]);
  for (const r of replies) {
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  }
  assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 404, 404, 405, 403]);
  assert.match(replies[1]!.body, /<title>app<\/title>/, 'the built web app at /');
  assert.equal(replies[2]!.body, 'console.log(1)');
  assert.match(String(replies[2]!.headers['content-type']), /javascript/);
  assert.equal(replies[5]!.headers['allow'], 'GET, HEAD');
});

test('no web app built: / is a plain, live run list saying how to build the app; the API works all the same', async (t) => {
  const missing = join(root, 'no-web');
  const bare = await startServer({ outDir: out, webDir: missing });
  t.after(() => bare.close());
  assert.match(bare.webAppMissing ?? '', /web app is not built .*npm run build/);
  assert.ok(bare.webAppMissing!.includes(join(missing, 'index.html')));
  const page = await get(bare.url, '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-type']), /^text\/html/);
  assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.match(page.body, /<p id="note">The dashboard&#39;s web app is not built .*`npm run build`/);
  assert.match(page.body, /new EventSource\('\/api\/events'\)/, 'kept live');
  assert.equal((await get(bare.url, '/assets/app.js')).status, 404);
  assert.equal((await getJson<RunSummary[]>(bare.url, '/api/runs')).length, 2);
  assert.equal(server.webAppMissing, null, 'the server with a built app says nothing');
});

test('bad input: 4xx JSON naming what was asked', async () => {
  const cases: Array<[string, number, RegExp, string?]> = [
    ['/api/runs/no-such-run', 404, /no run "no-such-run"/, 'no-such-run'],
    ['/api/runs/no-such-run/scalars', 404, /no run "no-such-run"/, 'no-such-run'],
    [`/api/runs/${RUN}/histograms`, 400, /the tensor parameter is required/],
    [`/api/runs/${RUN}/histograms?tensor=weights`, 400, /unknown histogram tensor "weights"/, 'weights'],
    [`/api/runs/${RUN}/histograms?tensor=activation&updates=-1`, 400, /updates must be an integer ≥ 0, found "-1"/],
    [`/api/runs/${RUN}/histograms?tensor=activation&tensor=weight_grad`, 400, /given 2 times/],
    [`/api/runs/${RUN}/scalars?names=activation.std,drop%20table`, 400, /unknown scalar name "drop table"/, 'drop table'],
    [`/api/runs/${RUN}/nope`, 404, /no such API endpoint/],
    ['/api/nope', 404, /no such API endpoint: \/api\/nope/],
    ['/api/%E0%A4%A', 400, /not valid percent-encoded/],
  ];
  for (const [path, status, message, subject] of cases) {
    const r = await get(base, path);
    assert.equal(r.status, status, path);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const body = JSON.parse(r.body) as { error: string; subject?: string };
    assert.match(body.error, message, path);
    if (subject !== undefined) assert.equal(body.subject, subject);
  }
});

test('no path leaves the web directory: encoded, double-encoded, absolute, symlinked', async () => {
  const secret = join(root, 'secret.txt');
  for (const path of ['/../secret.txt', '/..%2fsecret.txt', '/..%2Fsecret.txt', '/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/%252e%252e%252fsecret.txt',
    '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', `/${encodeURIComponent(secret)}`, `/${secret}`, `//${secret}`, '/leak.txt', '/assets/',
    '/.%2e/secret.txt', '/index.html%00', '/%2fetc%2fpasswd', '/../../../../etc/passwd']) {
    const r = await get(base, path);
    assert.equal(r.status === 404 || r.status === 400, true, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body, /SECRET|root:/, path);
  }
});

test('user-controlled strings are JSON data, verbatim, never HTML from the server', async () => {
  const r = await get(base, '/api/runs/xss');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^application\/json; charset=utf-8$/);
  assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
  const d = JSON.parse(r.body) as RunDetail;
  assert.deepEqual([d.dataset, d.activation, d.init, d.config['classes']], [XSS, XSS, XSS, [XSS]]);
  assert.ok(r.body.includes(JSON.stringify(XSS)), 'the string as a JSON string');
  const list = await get(base, '/api/runs');
  assert.equal(JSON.parse(list.body)[0].activation, XSS);
});

test('the record is opened read-only: its bytes are unchanged after serving', async () => {
  await getJson(base, '/api/runs');
  await getJson(base, `/api/runs/${RUN}/histograms?tensor=weight_grad`);
  await getJson(base, '/api/job');
  assert.deepEqual(recordBytes(out), bytesBefore);
});

test('a record written by an older glorot (schema v1) is served, untouched', async (t) => {
  const v1 = join(root, 'v1');
  mkdirSync(v1);
  copyFileSync(join(import.meta.dirname, '..', '..', 'unit', 'store', 'fixtures', 'v1-record.sqlite'), join(v1, 'glorot.sqlite'));
  const before = recordBytes(v1);
  const s = await startServer({ outDir: v1, webDir: web });
  t.after(() => s.close());
  const runs = await getJson<RunSummary[]>(s.url, '/api/runs');
  assert.deepEqual(runs.map((r) => [r.id, r.status, r.updates]), [['nonfinite', 'failed', 0], ['relu-diverges', 'diverged', 0], ['tanh-small', 'finished', 20]]);
  assert.deepEqual(runs[1]!.alarms.map((a) => a.kind), ['diverged']);
  const id = 'tanh-small';
  const d = await getJson<RunDetail>(s.url, `/api/runs/${id}`);
  assert.deepEqual(d.probePoints, [0, 1, 2, 5, 10, 20]);
  const series = await getJson<ScalarSeries[]>(s.url, `/api/runs/${id}/scalars?names=activation.std`);
  assert.deepEqual(series[0]!.updates, d.probePoints, 'the v1 column step read as updates');
  assert.ok((await getJson<HistogramFrame[]>(s.url, `/api/runs/${id}/histograms?tensor=activation`)).length > 0);
  await s.close();
  assert.deepEqual(recordBytes(v1), before);
});

test('a record whose WAL holds uncheckpointed commits: neither file changes while served', async (t) => {
  const dir = join(root, 'wal');
  const writer = openRunStore(dir);
  t.after(() => writer.close());
  writer.createRun({ id: 'w', config: { hidden: [2], updates: 10 }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
  writer.recordProbePoint('w', 0, { scalars: [{ layer: 1, name: 'activation.std', value: 0.5 }] });
  const before = recordBytes(dir);
  assert.notEqual(before['glorot.sqlite-wal'], '-', 'the commits are in the WAL');
  const s = await startServer({ outDir: dir, webDir: web });
  t.after(() => s.close());
  assert.deepEqual((await getJson<RunDetail>(s.url, '/api/runs/w')).probePoints, [0], 'read from the WAL');
  await getJson(s.url, '/api/runs/w/scalars');
  await s.close();
  assert.deepEqual(recordBytes(dir), before);
});
