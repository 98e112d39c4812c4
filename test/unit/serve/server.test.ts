/**
 * Unit tests of the dashboard server's pure parts: the rate, the alarms and their thresholds, the
 * request-target parsing, the static-file resolution (every traversal form), the snapshot's script
 * injection, and the event buffer's resume / reset rule (on a real record written in-process).
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import type { ScalarRecord } from '../../../src/core/metrics.ts';
import { type LockState, openRunStore } from '../../../src/store/index.ts';
import { DEAD_SATURATED_FRACTION, runAlarms, SATURATED_FRACTION, type AlarmInput } from '../../../src/serve/alarms.ts';
import type { Alarm, JobCell } from '../../../src/serve/api.ts';
import { withSnapshotScript } from '../../../src/serve/export.ts';
import { buildJobView, forReaders, planScale } from '../../../src/serve/job.ts';
import { LiveMonitor } from '../../../src/serve/live.ts';
import { COLLECT_ABOVE_RSS_BYTES, shouldCollect, SOFT_COLLECT_ABOVE_RSS_BYTES } from '../../../src/serve/memory.ts';
import { RecordSource } from '../../../src/serve/record.ts';
import { parseTarget } from '../../../src/serve/routes.ts';
import { isLoopbackHost, isUnspecifiedHost, serverUrl } from '../../../src/serve/server.ts';
import { DEFAULT_WEB_DIR, errorPage, missingWebApp, PACKAGE_DIR, placeholderPage, resolveStatic } from '../../../src/serve/static.ts';
import { buildRunSummary, rateOf, shownStatus } from '../../../src/serve/summary.ts';
import { tempDir } from '../../helpers/serve.ts';

test('rate: median of the latest intervals, robust to a pause and to the dense early points', () => {
  assert.equal(rateOf([]), null);
  assert.equal(rateOf([{ updates: 0, wallTime: 10 }]), null);
  assert.equal(rateOf([{ updates: 0, wallTime: 10 }, { updates: 100, wallTime: 12 }]), 50);
  // steady 100 updates/s, one interval spans a 3-hour pause (resume): the median ignores it
  const points = [0, 1, 2, 3, 4, 5, 6].map((i) => ({ updates: i * 1000, wallTime: i * 10 + (i >= 4 ? 10800 : 0) }));
  assert.equal(rateOf(points), 100);
  // only the latest 6 intervals count: an old slow phase does not matter
  const long = [...Array.from({ length: 10 }, (_, i) => ({ updates: i, wallTime: i * 100 })), ...[1, 2, 3, 4, 5, 6].map((i) => ({ updates: 9 + i * 50, wallTime: 900 + i }))];
  assert.equal(rateOf(long), 50);
  assert.equal(rateOf([{ updates: 5, wallTime: 1 }, { updates: 5, wallTime: 2 }]), null, 'no update made: no rate');
});

/** The alarm input of a healthy tanh run at update 100, with `scalars` at that point. */
function input(scalars: Array<[ScalarRecord['name'], number, number]>, over: Partial<AlarmInput> = {}): AlarmInput {
  return {
    status: 'finished',
    statusDetail: null,
    lastUpdate: 100,
    activation: 'tanh',
    scalars: scalars.map(([name, layer, value]) => ({ name, layer, value })),
    evaluations: [],
    lock: null,
    lockFile: '/out/locks/r.lock',
    ...over,
  };
}

test('alarms: saturated at the documented threshold for bounded activations only, dead for ReLU-like and constant layers', () => {
  assert.deepEqual(runAlarms(input([['activation.saturated', 1, SATURATED_FRACTION - 0.01], ['activation.std', 1, 0.5]])), []);
  const sat = runAlarms(input([['activation.saturated', 2, SATURATED_FRACTION], ['activation.std', 2, 0.5]]));
  assert.deepEqual(sat.map((a) => [a.kind, a.layer, a.updates]), [['saturated', 2, 100]]);
  assert.match(sat[0]!.message, /50% of layer 2's units saturated/);
  // a ReLU layer is half "flat" at init: no alarm; all flat: dead
  assert.deepEqual(runAlarms(input([['activation.saturated', 1, 0.6]], { activation: 'relu' })), []);
  const dead = runAlarms(input([['activation.saturated', 1, DEAD_SATURATED_FRACTION]], { activation: 'relu' }));
  assert.deepEqual(dead.map((a) => [a.kind, a.layer]), [['dead', 1]]);
  assert.deepEqual(runAlarms(input([['activation.std', 3, 0], ['activation.saturated', 3, 1]])).map((a) => [a.kind, a.layer]), [['dead', 3]]);
  assert.deepEqual(runAlarms(input([['activation.saturated', 1, 0.9]], { activation: 'linear' })), []);
});

test('alarms: sigmoid\'s top hidden layer driven toward 0 is flagged saturated (Fig. 2), naming its rule, though the f′ rule counts 0 %', () => {
  // the fresh user's Sigmoid lr0.03: top layer at 0.04–0.05 showed 0 % saturated and no alarm
  const top = (mean: number, over: Partial<AlarmInput> = {}): Alarm[] => runAlarms(input([
    ['activation.mean', 1, 0.5], ['activation.saturated', 1, 0], ['activation.mean', 4, mean], ['activation.saturated', 4, 0],
  ], { activation: 'sigmoid', ...over }));
  const a = top(0.045);
  assert.deepEqual(a.map((x) => [x.kind, x.layer, x.updates]), [['saturated', 4, 100]]);
  assert.match(a[0]!.message, /top hidden layer 4 saturated toward 0 as in Fig\. 2: its mean activation is 0\.045 /);
  assert.match(a[0]!.message, /\(≤ 0\.1; the f′ < 0\.1·max rule counts 0% of its units\) at update 100$/);
  assert.deepEqual(top(0.1).map((x) => x.layer), [4], 'at the level itself');
  assert.deepEqual(top(0.11), [], 'above it');
  assert.deepEqual(top(0.045, { lastUpdate: 0 }), [], 'not at initialisation');
  assert.deepEqual(top(0.045, { activation: 'tanh' }), [], 'a tanh layer near 0 is in its linear region');
  // a lower layer near 0 is not the top layer of Fig. 2
  assert.deepEqual(runAlarms(input([['activation.mean', 1, 0.02], ['activation.mean', 2, 0.5]], { activation: 'sigmoid' })), []);
});

test('alarms: diverged from the status or a NaN at the latest point', () => {
  const byStatus = runAlarms(input([], { status: 'diverged', statusDetail: 'loss became NaN at update 57' }));
  assert.deepEqual(byStatus, [{ kind: 'diverged', layer: null, updates: 100, message: 'loss became NaN at update 57' }]);
  assert.deepEqual(runAlarms(input([['probe.loss', -1, Number.NaN]])).map((a) => a.kind), ['diverged']);
  assert.deepEqual(runAlarms(input([['activation.nonfinite', 2, 7]])).map((a) => [a.kind, a.layer]), [['diverged', 2]]);
  const nll = input([], { evaluations: [{ split: 'test', updates: 100, errorRate: 90, nll: Number.NaN, examples: 10 }] });
  assert.match(runAlarms(nll)[0]!.message, /the test NLL is NaN at update 100/);
});

test('a run summary reads the alarms at the latest probe point only: what a layer did before is history', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = openRunStore(dir);
  t.after(() => w.close());
  w.createRun({ id: 'r', config: { activation: 'tanh', hidden: [4], updates: 10 }, seed: 1, backend: 'reference', threads: 1, status: 'finished' });
  w.recordProbePoint('r', 0, { scalars: [{ layer: 1, name: 'activation.saturated', value: 1 }, { layer: 1, name: 'activation.nonfinite', value: 3 }] });
  w.recordProbePoint('r', 5, { scalars: [{ layer: 1, name: 'activation.saturated', value: 0.1 }] });
  assert.deepEqual(buildRunSummary(w, w.getRun('r'), null).alarms, [], 'saturated and non-finite at update 0, recovered by 5');
  w.recordProbePoint('r', 9, { scalars: [{ layer: 1, name: 'activation.saturated', value: 0.7 }] });
  assert.deepEqual(buildRunSummary(w, w.getRun('r'), null).alarms.map((a) => [a.kind, a.layer, a.updates]), [['saturated', 1, 9]]);
});

test('alarms: stale when a running run has no live process behind its lock, saying why', () => {
  const held = (alive: boolean, reason: string): LockState => ({
    path: '/out/locks/r.lock',
    owner: { pid: 4242, host: 'lab2', bootId: null, startTicks: null, command: 'training run r', since: null },
    alive,
    reason,
  });
  assert.deepEqual(runAlarms(input([], { status: 'running', lock: held(true, 'process 4242 on host lab2 is running') })), []);
  const gone = runAlarms(input([], { status: 'running', lock: held(false, 'process 4242 on host lab2 is gone (no such process)') }));
  assert.deepEqual(gone.map((a) => a.kind), ['stale']);
  assert.equal(gone[0]!.message, 'recorded as running, but its lock /out/locks/r.lock is stale: process 4242 on host lab2 is gone (no such process): ' +
    'it was stopped without recording a status (resumable from its checkpoint)');
  assert.match(runAlarms(input([], { status: 'running', lock: 'none' }))[0]!.message, /no process holds its lock \(\/out\/locks\/r\.lock is missing\)/);
  assert.deepEqual(runAlarms(input([], { status: 'interrupted', lock: null })), [], 'only a running run can be stale');
});

test('memory: a full collection when resident memory is high, at most every 10 s when middling, never when low', () => {
  const MiB = 1 << 20;
  assert.equal(COLLECT_ABOVE_RSS_BYTES, 140 * MiB);
  assert.equal(SOFT_COLLECT_ABOVE_RSS_BYTES, 124 * MiB);
  assert.equal(shouldCollect(124 * MiB, 0, -Infinity), false, 'low: never');
  assert.equal(shouldCollect(124 * MiB + 1, 0, -Infinity), true, 'middling, none before');
  assert.equal(shouldCollect(130 * MiB, 20_000, 10_001), false, 'middling, one 9.999 s ago');
  assert.equal(shouldCollect(130 * MiB, 20_000, 10_000), true, 'middling, one 10 s ago');
  assert.equal(shouldCollect(140 * MiB + 1, 20_000, 19_999), true, 'high: every time');
});

test('request targets: each segment decoded once; bad encodings and non-paths refused', () => {
  assert.deepEqual(parseTarget('/api/runs/a%2Fb/scalars?names=x,y').segments, ['api', 'runs', 'a/b', 'scalars']);
  assert.deepEqual(parseTarget('/%252e%252e/x').segments, ['%2e%2e', 'x']);
  assert.equal(parseTarget('/api/runs?x=1#frag').query.get('x'), '1');
  assert.throws(() => parseTarget('/%E0%A4%A'), (e: Error & { status?: number }) => e.status === 400);
  assert.throws(() => parseTarget('http://evil/'), (e: Error & { status?: number }) => e.status === 400);
});

test('static files: only plain names inside the web directory, symlinks resolved', (t) => {
  const root = tempDir();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const web = join(root, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html>');
  writeFileSync(join(web, 'assets', 'app.js'), '1');
  writeFileSync(join(web, '.secret'), 'x');
  writeFileSync(join(root, 'secret.txt'), 'outside');
  symlinkSync(join(root, 'secret.txt'), join(web, 'leak.txt'));
  symlinkSync(join(web, 'assets', 'app.js'), join(web, 'alias.js'));
  const real = (segments: string[]): string | null => resolveStatic(web, segments)?.file ?? null;
  assert.equal(real([]), 'index.html');
  assert.equal(real(['']), 'index.html');
  assert.equal(real(['assets', 'app.js']), join('assets', 'app.js'));
  assert.equal(real(['alias.js']), join('assets', 'app.js'), 'a symlink inside is served as its target');
  for (const bad of [['..', 'secret.txt'], ['assets', '..', '..', 'secret.txt'], ['../secret.txt'], ['..\\secret.txt'], [root, 'secret.txt'],
    ['', 'etc', 'passwd'], ['leak.txt'], ['.secret'], ['assets'], ['assets', ''], ['nope.js'], ['index.html\0']]) {
    assert.equal(real(bad), null, JSON.stringify(bad));
  }
  assert.equal(resolveStatic(join(root, 'missing'), []), null);
});

test('the web app is found from the package, not the working directory; a missing one says how to build it', (t) => {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  assert.equal(PACKAGE_DIR, repo);
  assert.equal(DEFAULT_WEB_DIR, join(repo, 'build', 'web') + sep);
  const root = tempDir();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const web = join(root, '<b>web');
  mkdirSync(web);
  const note = missingWebApp(web)!;
  assert.equal(note, `the dashboard's web app is not built (no ${join(web, 'index.html')}): build it with \`npm run build\` in ${repo} ` +
    '(Vite builds web/ into build/web/); meanwhile the page shows a plain run list');
  const page = placeholderPage(note);
  assert.ok(page.includes(`<p id="note">The dashboard&#39;s web app is not built (no ${join(root, '&lt;b&gt;web', 'index.html')})`), 'the note, as text');
  assert.doesNotMatch(page, /<b>web/);
  writeFileSync(join(web, 'index.html'), '<!doctype html>');
  assert.equal(missingWebApp(web), null);
});

test('the server\'s own pages escape what they quote (core htmlText), and the snapshot script tag', () => {
  const hostile = `<img src=x onerror="alert('1')">&`;
  assert.ok(errorPage(hostile).includes('<code>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;</code>'));
  assert.ok(!placeholderPage(hostile).includes('<img'));
  const html = '<html><head><script type="module" src="./assets/app.js"></script></head></html>';
  assert.equal(withSnapshotScript(html), '<html><head><script src="./data.js"></script>\n<script type="module" src="./assets/app.js"></script></head></html>');
  assert.equal(withSnapshotScript('<head></head>'), '<head><script src="./data.js"></script>\n</head>');
  assert.equal(withSnapshotScript(withSnapshotScript(html)), withSnapshotScript(html), 'added once');
});

test('events: another connection\'s commits become point and run events; resume from any buffered id, reset beyond', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const writer = openRunStore(dir);
  t.after(() => writer.close());
  writer.createRun({ id: 'r', config: { updates: 10, activation: 'tanh', hidden: [4] }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
  const source = new RecordSource(dir);
  t.after(() => source.close());
  const monitor = new LiveMonitor(source, { bufferSize: 3, lockCheckMs: 1e9, fileCheckMs: 1e9 });
  const start = monitor.lastId;
  assert.deepEqual(monitor.since(start), [], 'nothing happened yet');
  assert.equal(monitor.since(start - 1), null, 'an id before this server: reset');
  monitor.tick();
  assert.equal(monitor.lastId, start, 'no commit, no event');
  writer.recordProbePoint('r', 0, { scalars: [{ layer: 1, name: 'activation.std', value: 0.5 }] });
  writer.recordProbePoint('r', 5, { scalars: [{ layer: 1, name: 'activation.std', value: 0.4 }] });
  monitor.tick();
  const got = monitor.since(start)!.map((e) => [e.id - start, e.event.type, e.event.type === 'point' ? e.event.updates : null]);
  assert.deepEqual(got, [[1, 'point', 0], [2, 'point', 5], [3, 'run', null]]);
  const run = monitor.since(start + 2)![0]!.event;
  assert.equal(run.type === 'run' && run.run.updates, 5);
  assert.match(monitor.since(start + 2)![0]!.frame, new RegExp(`^id: ${start + 3}\nevent: run\ndata: \\{"type":"run",`));
  writer.setStatus('r', 'finished');
  monitor.tick();
  assert.equal(monitor.lastId, start + 4);
  assert.deepEqual(monitor.since(start + 1)!.map((e) => e.id - start), [2, 3, 4], 'the buffer holds the last 3');
  assert.equal(monitor.since(start), null, 'event 1 fell out of the buffer: reset');
  assert.equal(monitor.since(start + 5), null, 'an id from the future (another server): reset');
  assert.equal(monitor.summaries()[0]!.status, 'finished');
});

test('events: a commit landing while the monitor reads is announced once, at the next poll, never before its run summary', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const writer = openRunStore(dir);
  t.after(() => writer.close());
  writer.createRun({ id: 'r', config: { updates: 10, activation: 'tanh', hidden: [4] }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
  writer.recordProbePoint('r', 0, { scalars: [{ layer: 1, name: 'activation.std', value: 0.5 }] });
  const source = new RecordSource(dir);
  t.after(() => source.close());
  const monitor = new LiveMonitor(source, { lockCheckMs: 1e9, fileCheckMs: 1e9 });
  const start = monitor.lastId;
  // the training process commits update 9 just after the monitor listed the runs
  const store = source.get();
  const listRuns = store.listRuns.bind(store);
  let commitDuringRead = true;
  store.listRuns = () => {
    const runs = listRuns();
    if (commitDuringRead) writer.recordProbePoint('r', 9, { scalars: [{ layer: 1, name: 'activation.std', value: 0.3 }] });
    commitDuringRead = false;
    return runs;
  };
  writer.recordProbePoint('r', 5, { scalars: [{ layer: 1, name: 'activation.std', value: 0.4 }] });
  monitor.tick();
  monitor.tick();
  monitor.tick();
  const got = monitor.since(start)!.map((e) => (e.event.type === 'point' ? `point ${e.event.updates}` : e.event.type === 'run' ? `run at ${e.event.run.updates}` : e.event.type));
  assert.deepEqual(got, ['point 5', 'run at 5', 'point 9', 'run at 9']);
});

test('Table 1 and the checks: the report\'s numbers, a configuration only once all of its planned runs have ended', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'experiments'));
  const experiment = {
    name: 'shapeset',
    base: { dataset: 'shapeset', hidden: [4, 4], updates: 10, validationSize: 10, testSize: 10 },
    variants: [{ label: 'Tanh', activation: 'tanh', init: 'standard' }, { label: 'Tanh N', activation: 'tanh', init: 'normalized' }],
    learningRates: [0.01, 0.1],
    seeds: [1],
  };
  writeFileSync(join(dir, 'experiments', 'shapeset.json'), JSON.stringify(experiment));
  const w = openRunStore(dir);
  t.after(() => w.close());
  /** A run of the plan whose last point has these final validation and test errors (%). */
  const run = (id: string, init: string, lr: number, validation: number, test: number, status: 'finished' | 'running'): void => {
    w.createRun({ id, config: { dataset: 'shapeset', hidden: [4, 4], activation: 'tanh', init, learningRate: lr, updates: 10 }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
    w.recordProbePoint(id, 10, { evaluations: [{ split: 'validation', errorRate: validation, nll: 1, examples: 10 }, { split: 'test', errorRate: test, nll: 1, examples: 10 }] });
    if (status === 'finished') w.setStatus(id, 'finished');
  };
  run('shapeset-tanh-lr0.01-s1', 'standard', 0.01, 30, 31, 'finished');
  run('shapeset-tanh-lr0.1-s1', 'standard', 0.1, 20, 22, 'finished');
  run('shapeset-tanh-n-lr0.01-s1', 'normalized', 0.01, 10, 11, 'finished');
  run('shapeset-tanh-n-lr0.1-s1', 'normalized', 0.1, 5, 6, 'running');
  const source = new RecordSource(dir);
  t.after(() => source.close());
  const cell = (v: ReturnType<typeof buildJobView>, label: string): JobCell => v.table1.find((r) => r.label === label)!.cells['shapeset']!;
  const before = buildJobView(source.get(), dir);
  assert.deepEqual(before.columns?.map((c) => c.dataset), ['shapeset']);
  assert.deepEqual([before.planned, before.pending], [4, 1]);
  assert.match(before.note!, /1 of 4 planned runs have not ended/);
  assert.deepEqual(cell(before, 'Tanh'), {
    ours: 22, paper: 27.15, runId: 'shapeset-tanh-lr0.1-s1', text: '22.00 (n=1)', learningRate: 0.1, runIds: ['shapeset-tanh-lr0.1-s1'], pending: 0,
  }, 'selected on validation (20 < 30): its test error, beside the paper\'s');
  assert.deepEqual([cell(before, 'Tanh N').ours, cell(before, 'Tanh N').runId, cell(before, 'Tanh N').pending], [null, null, 1], 'a rate still training: no result');
  const jacobian = before.checks.find((c) => c.id === 'jacobian.normalized')!;
  assert.deepEqual([jacobian.verdict, jacobian.provisional], ['pending', 'not-run'], 'nor does an unfinished configuration enter the checks');
  // an unfinished job judges nothing yet: every check pending, never "fail" (its verdict so far kept apart)
  assert.deepEqual([...new Set(before.checks.map((c) => c.verdict))], ['pending']);
  assert.ok(before.checks.some((c) => c.provisional === 'fail'), 'a check that would say "fail" over the ended runs says "pending"');
  // the scale beside the paper's: this plan's 2 × 4 net of 10 updates matches no scale of reproduce
  assert.deepEqual(before.columns?.map((c) => [c.scale, c.paperScale]), [['custom: 2 × 4, 10 updates', 'paper: 5 × 1000, 2.5 M updates']]);
  w.setStatus('shapeset-tanh-n-lr0.1-s1', 'finished');
  const after = buildJobView(source.get(), dir);
  assert.deepEqual([cell(after, 'Tanh N').ours, cell(after, 'Tanh N').learningRate, after.pending, after.note], [6, 0.1, 0, null]);
  assert.ok(after.checks.every((c) => c.verdict !== 'pending' && c.provisional === undefined), 'every run ended: the checks are judged');
  assert.ok(after.checks.some((c) => c.verdict === 'fail'), 'and a real "fail" is shown as one');
  // the page's text has no pointers into the project's own files
  for (const c of [...before.checks, ...after.checks]) {
    for (const text of [c.claim, c.detail, c.rule, c.source, c.oursText, c.paperText]) assert.doesNotMatch(text ?? '', /SPEC\.md|SHAPESET\.md|issue \d/, c.id);
  }
  assert.equal(cell(after, 'Softsign').ours, null, 'a row the plan never ran');
});

test('the job view\'s scale names reproduce\'s scale when the plan matches one, and the check texts lose the project\'s file pointers', () => {
  const five = (w: number, updates: number) => ({ hidden: [w, w, w, w, w], updates });
  // Sigmoid d4 is one layer shallower: the depth of most runs counts
  assert.equal(planScale([five(250, 60_000), five(250, 60_000), { hidden: [250, 250, 250, 250], updates: 60_000 }]), 'quick: 5 × 250, 60 k updates');
  assert.equal(planScale([five(1000, 2_500_000)]), 'paper: 5 × 1000, 2.5 M updates');
  assert.equal(planScale([five(32, 400)]), 'smoke: 5 × 32, 400 updates');
  assert.equal(planScale([five(250, 30_000)]), 'custom: 5 × 250, 30 k updates', 'quick widths, other length: not quick');
  assert.equal(planScale([{ hidden: [8, 4], updates: 10 }]), 'custom: 2 × 8-4, 10 updates');
  assert.equal(planScale([]), null);
  assert.equal(forReaders('Table 1 (SPEC.md §6)'), 'Table 1');
  assert.equal(forReaders('§5 / Table 1 discussion (SPEC.md §6, SHAPESET.md)'), '§5 / Table 1 discussion');
  assert.equal(forReaders('eq. (17); SPEC.md §3'), 'eq. (17)');
  assert.equal(forReaders('§4.2.1, eqs. (5)–(7) (transcribed: SPEC.md §3)'), '§4.2.1, eqs. (5)–(7)');
  assert.equal(forReaders('Fig. 2 (top)'), 'Fig. 2 (top)', 'the paper\'s own references stay');
});

test('the printed URL: the unspecified addresses (every address of the machine) become the loopback address of their family', () => {
  for (const h of ['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0', '::0']) assert.equal(isUnspecifiedHost(h), true, h);
  for (const h of ['127.0.0.1', '::1', '10.0.0.0', '0.0.0.1', 'localhost', '0', '00.0.0.0', '::ffff:0.0.0.0']) assert.equal(isUnspecifiedHost(h), false, h);
  assert.equal(serverUrl('0.0.0.0', 8080), 'http://127.0.0.1:8080/');
  assert.equal(serverUrl('::', 8080), 'http://[::1]:8080/');
  assert.equal(serverUrl('127.0.0.1', 1), 'http://127.0.0.1:1/');
  assert.equal(serverUrl('::1', 1), 'http://[::1]:1/');
  assert.equal(serverUrl('192.168.1.5', 1), 'http://192.168.1.5:1/');
  assert.equal(serverUrl('localhost', 1), 'http://localhost:1/');
});

test('schema drift: a status this glorot does not know is shown as unknown with a note, never passed on as one', (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = openRunStore(dir);
  w.createRun({ id: 'a', config: { activation: 'tanh', hidden: [2] }, seed: 1, backend: 'reference', threads: 1, status: 'finished' });
  w.close();
  // what another version (or a hand edit) could leave: a status outside this schema's CHECK
  const raw = new Database(join(dir, 'glorot.sqlite'));
  raw.pragma('ignore_check_constraints = ON');
  raw.prepare("UPDATE runs SET status = 'exploded', status_detail = NULL WHERE id = 'a'").run();
  raw.close();
  const store = openRunStore(dir, { readonly: true });
  t.after(() => store.close());
  const summary = buildRunSummary(store, store.getRun('a'), null);
  assert.equal(summary.status, 'unknown');
  assert.equal(summary.statusDetail, 'the record holds the status "exploded", which this glorot does not know (expected one of ' +
    'created, running, finished, diverged, interrupted, failed): a record written by another version, or changed outside glorot');
  assert.deepEqual(shownStatus({ status: 'diverged', statusDetail: 'NaN at update 5' }), { status: 'diverged', statusDetail: 'NaN at update 5' });
  assert.deepEqual(shownStatus({ status: 'finished', statusDetail: undefined as unknown as null }), { status: 'finished', statusDetail: null }, 'a missing detail is null, not absent');
  assert.equal(shownStatus({ status: 7 as unknown as 'finished', statusDetail: null }).status, 'unknown');
});

test('loopback names: 127.0.0.0/8 as valid dotted addresses only (127.999.0.1 is no address), ::1, localhost', () => {
  for (const h of ['127.0.0.1', '127.1.2.255', '::1', '[::1]', 'localhost', 'LOCALHOST', 'app.localhost']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['127.999.0.1', '127.0.0.256', '127.0.0', '127.0.0.1.evil.com', '0127.0.0.1', '128.0.0.1', '0.0.0.0', 'localhost.evil.com', '']) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});
