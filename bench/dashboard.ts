/**
 * `npm run bench:dashboard`: the dashboard's performance figures of issue 11 (not a test), measured on
 * the real `glorot serve` (a child process, as a user runs it) over real records:
 *
 * - rss:        the server's peak resident memory with 100 runs in the record (plus 2 paper-length
 *               runs of 130 probe points) while a client reads every run's detail, scalars,
 *               evaluations and histograms, with an event stream open (target ≤ 150 MB), on a usual
 *               start and on a first start after installing (tsx compiling every module);
 * - throughput: a real `glorot train`'s speed with a server and a live client (event stream open;
 *               on new probe points it reads what the web app re-reads) vs without, in alternating
 *               windows of one run: the server is stopped (SIGSTOP) in the windows without, so the
 *               machine's load, which drifts over minutes here, is shared by both; trainer and server
 *               each in a session of its own, like two terminals (target ≥ 97%);
 * - latency:    from a probe point's commit (by another process, through the store's writer) to its
 *               `point` event at a connected client;
 * - first-chart, scrubber, compare, page-latency: the web app in real Chromium
 *               (bench/lib/dashboard-page.ts: first chart ≤ 1 s, scrubber and 20 runs compared
 *               ≤ 50 ms, probe point → drawn in the page ≤ 1 s median).
 *
 *   node --import tsx bench/dashboard.ts [--only rss,throughput,latency,first-chart,scrubber,compare,page-latency]
 *       [--quick] [--quiet-wait S] [--records DIR] [--write | --render]
 *
 * `--write` saves bench/results/dashboard.json (merged: sections not run keep their saved figures) and
 * rewrites the dashboard block of BENCHMARKS.md; `--render` only rewrites the block from that file.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openRunStore } from '../src/store/index.ts';
import { BIN, get, getJson, openEvents } from '../test/helpers/serve.ts';
import { startLoadMeter } from './lib/load.ts';
import { pageSections } from './lib/dashboard-page.ts';
import type { Section } from './lib/dashboard-section.ts';
import { median, quantile } from './lib/stats.ts';

const ROOT = join(import.meta.dirname, '..');
const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' }, write: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false }, 'quiet-wait': { type: 'string', default: '0' }, records: { type: 'string' },
    render: { type: 'boolean', default: false },
  },
});

/** A running `glorot serve`. */
interface Served {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `glorot serve --out dir` and waits for its URL. `ownSession`: in a session of its own, as when
 * started from another terminal (Linux's autogroup scheduler then shares the CPU between sessions,
 * not between processes).
 */
function serve(dir: string, ownSession = false, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--out', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: ownSession,
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /glorot serve: (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        resolve({
          url: m[1]!,
          pid: child.pid!,
          stop: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`glorot serve exited ${code}`)));
  });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14, 15) in clock ticks of 1/100 s
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Runs the record writer child (bench/lib/dashboard-writer.ts); `onLine` gets each line it prints. */
function writer(args: readonly string[], onLine: (line: string) => void = () => undefined): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'lib', 'dashboard-writer.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) onLine(buf.slice(0, i));
  });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`)))));
}

/** Idle, after and peak resident memory (MB) of one server reading every run of the record in `dir`, and the bytes it sent. */
async function readEverything(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ idle: number; after: number; peak: number; bytes: number; runs: number }> {
  const served = await serve(dir, false, env);
  try {
    const sse = openEvents(served.url);
    const idle = memory(served.pid);
    const runs = await getJson<Array<{ id: string }>>(served.url, '/api/runs');
    await getJson(served.url, '/api/job');
    let bytes = 0;
    for (const r of runs) {
      for (const p of ['', '/scalars', '/evaluations', '/histograms?tensor=activation']) bytes += (await get(served.url, `/api/runs/${r.id}${p}`)).body.length;
    }
    const long = runs.filter((r) => r.id.startsWith('long-'));
    const tensors = ['activation', 'backprop_grad', 'weight_grad', 'backprop_grad.own_range', 'weight_grad.own_range'];
    await Promise.all(long.flatMap((r) => tensors.map((t) => get(served.url, `/api/runs/${r.id}/histograms?tensor=${t}`).then((x) => (bytes += x.body.length)))));
    const after = memory(served.pid);
    sse.close();
    return { idle: idle.rss, after: after.rss, peak: after.peak, bytes, runs: runs.length };
  } finally {
    await served.stop();
  }
}

const rssSection: Section = {
  name: 'rss',
  title: 'Server memory with 100 runs in the record',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-rss-'));
    try {
      await writer(['fill', dir, '100', '20', '2', '130']);
      // tsx compiles each module on its first load and caches the result in <tmpdir>/tsx-<uid>: a
      // first start after installing or upgrading compiles and caches them all (an empty TMPDIR
      // makes one), later starts read the cache
      const emptyTmp = mkdtempSync(join(tmpdir(), 'glorot-bench-tsx-'));
      const cold = await readEverything(dir, { TMPDIR: emptyTmp }).finally(() => rmSync(emptyTmp, { recursive: true, force: true }));
      await readEverything(dir); // fills the cache, should it be empty
      const warm = await readEverything(dir);
      const store = openRunStore(dir, { readonly: true });
      const points = store.listRuns().reduce((n, r) => n + store.probePoints(r.id).length, 0);
      store.close();
      const dbMB = Number(spawnSync('du', ['-sm', join(dir, 'glorot.sqlite')], { encoding: 'utf8' }).stdout.split('\t')[0]);
      return {
        runs: warm.runs, points, dbMB, servedMB: warm.bytes / 2 ** 20,
        idleRssMB: warm.idle, rssMB: warm.after, peakRssMB: warm.peak,
        coldIdleRssMB: cold.idle, coldRssMB: cold.after, coldPeakRssMB: cold.peak,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  render(r) {
    const mb = (k: string): string => Number(r[k]).toFixed(0);
    return `${r['runs']} runs, ${r['points']} probe points, ${r['dbMB']} MB record; a client reads every run's detail, scalars, ` +
      `evaluations and histograms (${Number(r['servedMB']).toFixed(0)} MB of JSON): RSS ${mb('idleRssMB')} MB idle, ${mb('rssMB')} MB after, ` +
      `**peak ${mb('peakRssMB')} MB** (target ≤ 150 MB); on a first start after installing (tsx compiles every module): ` +
      `${mb('coldIdleRssMB')} MB idle, ${mb('coldRssMB')} MB after, peak ${mb('coldPeakRssMB')} MB`;
  },
};

/** Length of one window of the throughput measurement (s): a page open, then none, alternately. */
const WINDOW_S = 5;
/** Windows of the throughput measurement (alternating; an odd count starts and ends without a page). */
const WINDOWS = 41;
/**
 * Updates between the throughput run's probe points: at this width about every 4 s here, 5× as often
 * as the paper's schedule (every 20,000 updates, ≈ 19 s at width 250 and 140 s at width 1000).
 */
const PROBE_INTERVAL = 2000;

const throughputSection: Section = {
  name: 'throughput',
  title: 'Training throughput with a live page vs without',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-tp-'));
    const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));
    let served: Served | null = null;
    let trainer: ChildProcess | null = null;
    try {
      const w = openRunStore(dir);
      w.createRun({ id: 'base', config: {}, seed: 1, backend: 'native', threads: 1, status: 'finished' });
      w.close();
      served = await serve(dir, true);
      const server = served;
      const sse = openEvents(server.url);
      await sse.headers;
      const pause = (paused: boolean): void => void process.kill(server.pid, paused ? 'SIGSTOP' : 'SIGCONT');
      let live = false;
      let fetches = 0;
      let failed = 0;
      const client = setInterval(() => {
        // what the web app does on new points (several since its last look coalesce into one
        // refresh; web/src/data/runData.ts): the run list, the run's detail, every scalar series, the
        // evaluations and the new histogram frames
        const points = sse.events.splice(0).filter((e) => e.event === 'point');
        if (!live || points.length === 0) return;
        const paths = ['/api/runs', '/api/runs/t', '/api/runs/t/scalars', '/api/runs/t/evaluations'];
        for (const p of points) paths.push(`/api/runs/t/histograms?tensor=activation&updates=${(p.data as { updates: number }).updates}`);
        for (const path of paths) {
          // a request still open when the server stops at the end is reset: not a failure of the measurement
          get(server.url, path).then((r) => (r.status === 200 ? fetches++ : failed++), () => undefined);
        }
      }, 100);
      pause(true);
      const meter = startLoadMeter();
      const flags = ['train', '--out', dir, '--run-id', 't', '--depth', '5', '--width', '250', '--updates', '10000000', '--probe-interval', String(PROBE_INTERVAL),
        '--validation-size', '1000', '--test-size', '1000', '--checkpoint-interval', '10000000', '--backend', 'native', '--threads', '1'];
      // in a session of its own, as `glorot reproduce` in one terminal and `glorot serve` in another
      const child = spawn(process.execPath, [BIN, ...flags], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      trainer = child;
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      // start-up, data generation and the dense early probe points: wait for the first regular point
      for (;;) {
        try {
          const store = openRunStore(dir, { readonly: true });
          const last = store.hasRun('t') ? store.recentProbePoints('t', 1).at(-1) : undefined;
          store.close();
          if (last !== undefined && last.updates >= PROBE_INTERVAL) break;
        } catch {
          // the record is being written
        }
        if (child.exitCode !== null) throw new Error(`glorot train exited ${child.exitCode}: ${stderr}`);
        await sleep(0.25);
      }
      const windows: { live: boolean; seconds: number; trainerCpu: number; serverCpu: number; clientCpu: number }[] = [];
      for (let k = 0; k < WINDOWS; k++) {
        live = k % 2 === 1;
        pause(!live);
        const t0 = performance.now();
        const trainer0 = cpuSeconds(child.pid!);
        const server0 = cpuSeconds(server.pid);
        const client0 = process.cpuUsage();
        await sleep(WINDOW_S);
        const client1 = process.cpuUsage(client0);
        windows.push({
          live,
          seconds: (performance.now() - t0) / 1000,
          trainerCpu: cpuSeconds(child.pid!) - trainer0,
          serverCpu: cpuSeconds(server.pid) - server0,
          clientCpu: (client1.user + client1.system) / 1e6,
        });
      }
      live = false;
      child.kill('SIGTERM');
      const code = await exited;
      trainer = null;
      pause(false);
      clearInterval(client);
      sse.close();
      await server.stop();
      served = null;
      const others = meter.stop();
      if (code !== 130) throw new Error(`glorot train should have stopped on SIGTERM (exit 130), exited ${code}: ${stderr}`);
      if (fetches === 0 || failed > 0) throw new Error(`the live client's requests: ${fetches} answered, ${failed} not 200`);
      const store = openRunStore(dir, { readonly: true });
      const points = store.probePoints('t');
      store.close();
      // the trainer's share of a core in each window: its work per update is the same in both, so
      // its updates/s is proportional to it, and a trainer waiting on the record would show as less
      const share = windows.map((x) => x.trainerCpu / x.seconds);
      // each window with a page against the mean of its two neighbours without: a drift of the
      // machine's load over the 15 s cancels to first order
      const ratios: number[] = [];
      for (let k = 1; k + 1 < WINDOWS; k += 2) ratios.push(share[k]! / ((share[k - 1]! + share[k + 1]!) / 2));
      const liveWindows = windows.filter((x) => x.live);
      const liveSeconds = liveWindows.reduce((t, x) => t + x.seconds, 0);
      const regular = points.filter((p) => p.updates >= PROBE_INTERVAL);
      return {
        windowSeconds: WINDOW_S,
        probeInterval: PROBE_INTERVAL,
        updatesPerSecond: (regular.at(-1)!.updates - regular[0]!.updates) / (regular.at(-1)!.wallTime - regular[0]!.wallTime),
        shareWithout: median(share.filter((_, k) => k % 2 === 0)),
        shareWith: median(share.filter((_, k) => k % 2 === 1)),
        ratios,
        ratio: median(ratios),
        ratioP25: quantile(ratios, 0.25),
        ratioP75: quantile(ratios, 0.75),
        probePoints: regular.length,
        requests: fetches,
        serverCpuShare: liveWindows.reduce((t, x) => t + x.serverCpu, 0) / liveSeconds,
        clientCpuShare: liveWindows.reduce((t, x) => t + x.clientCpu, 0) / liveSeconds,
        othersCores: others,
      };
    } finally {
      // a failed measurement leaves no process behind (a stopped server would hold its port forever)
      trainer?.kill('SIGKILL');
      if (served !== null) {
        process.kill(served.pid, 'SIGCONT');
        await served.stop();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
  render(r) {
    const pct = (x: unknown): string => `${(100 * Number(x)).toFixed(1)}%`;
    const ratios = r['ratios'] as number[];
    return `one glorot train (5 × 250 tanh, native, 1 thread, ${Number(r['updatesPerSecond']).toFixed(0)} updates/s, a probe point every ` +
      `${r['probeInterval']} updates: ${r['probePoints']} points) with glorot serve and a live client in alternate ${r['windowSeconds']} s ` +
      `windows, the server stopped (SIGSTOP) and no client in the others; the trainer's share of a core in each window with a page ` +
      `against the mean of its two neighbours: median **${pct(r['ratio'])}** (quartiles ${pct(r['ratioP25'])} – ${pct(r['ratioP75'])}, ` +
      `${ratios.length} windows; target ≥ 97%); the trainer had ${pct(r['shareWith'])} of a core with a page, ${pct(r['shareWithout'])} ` +
      `without; while a page was open the server used ${pct(r['serverCpuShare'])} of a core and the client (the page's requests, ` +
      `${r['requests']} answered) ${pct(r['clientCpuShare'])}; other processes kept ${Number(r['othersCores']).toFixed(2)} of the 2 ` +
      `cores busy meanwhile`;
  },
};

const latencySection: Section = {
  name: 'latency',
  title: 'Event latency: probe point committed → SSE event at the client',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-lat-'));
    try {
      const w = openRunStore(dir);
      w.createRun({ id: 'base', config: {}, seed: 1, backend: 'native', threads: 1, status: 'finished' });
      w.close();
      const served = await serve(dir);
      const sse = openEvents(served.url);
      await sse.headers;
      const received = new Map<number, number>();
      const committed = new Map<number, number>();
      const watch = setInterval(() => {
        for (const e of sse.events.splice(0)) if (e.event === 'point') received.set((e.data as { updates: number }).updates, Date.now());
      }, 1);
      await writer(['tick', dir, 'live', '40', '500'], (line) => {
        const { updates, committedAt } = JSON.parse(line) as { updates: number; committedAt: number };
        committed.set(updates, committedAt);
      });
      await new Promise((r) => setTimeout(r, 1000));
      clearInterval(watch);
      sse.close();
      await served.stop();
      const ms = [...committed].filter(([u]) => received.has(u)).map(([u, t]) => received.get(u)! - t);
      return { points: committed.size, received: ms.length, medianMs: median(ms), p90Ms: quantile(ms, 0.9), maxMs: Math.max(...ms) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  render(r) {
    return `${r['received']} of ${r['points']} points: median ${Number(r['medianMs']).toFixed(0)} ms, 90th percentile ${Number(r['p90Ms']).toFixed(0)} ms, ` +
      `max ${Number(r['maxMs']).toFixed(0)} ms (the server polls every 200 ms)`;
  },
};

/** Every section, in order: the server's, then the page's in Chromium. */
const SECTIONS: readonly Section[] = [rssSection, throughputSection, latencySection,
  ...pageSections({ records: opts.records ?? join(tmpdir(), 'glorot-bench-dashboard'), quick: opts.quick, quietWait: Number(opts['quiet-wait']) })];

const only = opts.only?.split(',') ?? SECTIONS.map((s) => s.name);
for (const name of only) if (!SECTIONS.some((s) => s.name === name)) throw new Error(`--only: unknown section "${name}"; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
const resultsFile = join(ROOT, 'bench', 'results', 'dashboard.json');
const results: Record<string, { date: string; load: number[]; result: Record<string, unknown> }> = opts.write || opts.render
  ? (() => {
      try {
        return JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, { date: string; load: number[]; result: Record<string, unknown> }>;
      } catch {
        return {};
      }
    })()
  : {};
for (const s of SECTIONS.filter((x) => !opts.render && only.includes(x.name))) {
  console.log(`\n## ${s.title}\n`);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const result = await s.run();
  results[s.name] = { date, load: loadavg(), result };
  console.log(s.render(result));
}
if (opts.write || opts.render) {
  if (opts.write) writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  const lines = SECTIONS.filter((s) => results[s.name] !== undefined).map((s) => {
    const r = results[s.name]!;
    return `- **${s.title}** (${r.date}, load average ${r.load.map((x) => x.toFixed(1)).join(' / ')}): ${s.render(r.result)}`;
  });
  const begin = '<!-- BEGIN GENERATED by `npm run bench:dashboard -- --write`: edit bench/dashboard.ts, not this block -->';
  const end = '<!-- END GENERATED dashboard -->';
  const block = `${begin}\n## Dashboard (\`glorot serve\`, issue 11)\n\n${lines.join('\n')}\n${end}`;
  const md = readFileSync(join(ROOT, 'BENCHMARKS.md'), 'utf8');
  const at = md.indexOf(begin);
  const next = at < 0 ? `${md.trimEnd()}\n\n${block}\n` : `${md.slice(0, at)}${block}${md.slice(md.indexOf(end) + end.length)}`;
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), next);
  console.log(opts.write ? `\nwrote ${resultsFile} and the dashboard block of BENCHMARKS.md` : `rewrote the dashboard block of BENCHMARKS.md from ${resultsFile}`);
}
