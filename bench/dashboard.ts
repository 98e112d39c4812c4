/**
 * `npm run bench:dashboard`: the dashboard's performance figures of issue 11 (not a test), measured on
 * the real `glorot serve` (a child process, as a user runs it) over real records:
 *
 * - rss:        the server's peak resident memory with 100 runs in the record (plus 2 paper-length
 *               runs of 130 probe points) while a client reads every run's detail, scalars,
 *               evaluations and histograms, with an event stream open (target ≤ 150 MB);
 * - throughput: a real `glorot train`'s updates/s with a server and a live client (event stream
 *               open; on every probe point it fetches what a page redraws) vs without, interleaved
 *               trials (target ≥ 97%);
 * - latency:    from a probe point's commit (by another process, through the store's writer) to its
 *               `point` event at a connected client (the page's share is the browser tests').
 *
 * Sections are a list ({@link SECTIONS}): the web app's browser timings (first chart, scrubber
 * redraw, compare view) join it as further sections with their own `run` and `render`.
 *
 *   node --import tsx bench/dashboard.ts [--only rss,throughput,latency] [--trials n] [--write]
 *
 * `--write` saves bench/results/dashboard.json and rewrites the dashboard block of BENCHMARKS.md.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openRunStore } from '../src/store/index.ts';
import { BIN, get, getJson, openEvents } from '../test/helpers/serve.ts';

const ROOT = join(import.meta.dirname, '..');
const { values: opts } = parseArgs({ options: { only: { type: 'string' }, trials: { type: 'string', default: '3' }, write: { type: 'boolean', default: false } } });

/** One measured section. */
interface Section {
  readonly name: string;
  readonly title: string;
  run(): Promise<Record<string, unknown>>;
  render(r: Record<string, unknown>): string;
}

/** A running `glorot serve`. */
interface Served {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `glorot serve --out dir` and waits for its URL. */
function serve(dir: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--out', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
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

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const quantile = (v: readonly number[], q: number): number => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))] ?? NaN;

const rssSection: Section = {
  name: 'rss',
  title: 'Server memory with 100 runs in the record',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-rss-'));
    try {
      await writer(['fill', dir, '100', '20', '2', '130']);
      const served = await serve(dir);
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
      await served.stop();
      const store = openRunStore(dir, { readonly: true });
      const points = store.listRuns().reduce((n, r) => n + store.probePoints(r.id).length, 0);
      store.close();
      const dbMB = Number(spawnSync('du', ['-sm', join(dir, 'glorot.sqlite')], { encoding: 'utf8' }).stdout.split('\t')[0]);
      return { runs: runs.length, points, dbMB, servedMB: bytes / 2 ** 20, idleRssMB: idle.rss, rssMB: after.rss, peakRssMB: after.peak };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  render(r) {
    return `${r['runs']} runs, ${r['points']} probe points, ${r['dbMB']} MB record; ${Number(r['servedMB']).toFixed(0)} MB of JSON served: ` +
      `RSS ${Number(r['idleRssMB']).toFixed(0)} MB idle, ${Number(r['rssMB']).toFixed(0)} MB after, peak ${Number(r['peakRssMB']).toFixed(0)} MB (target ≤ 150 MB)`;
  },
};

/** Trains one run of the throughput trial into `dir` and returns its updates/s after the first probe interval. */
async function trainTrial(dir: string, id: string): Promise<number> {
  const flags = ['train', '--out', dir, '--run-id', id, '--depth', '5', '--width', '250', '--updates', '12000', '--probe-interval', '1000',
    '--validation-size', '2000', '--test-size', '2000', '--backend', 'native', '--threads', '1'];
  // spawned, not spawnSync: the live client in this process must keep reading meanwhile
  const child = spawn(process.execPath, [BIN, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`glorot train failed (${code}): ${stderr}`);
  const store = openRunStore(dir, { readonly: true });
  const points = store.probePoints(id).filter((p) => p.updates >= 1000);
  store.close();
  return (points.at(-1)!.updates - points[0]!.updates) / (points.at(-1)!.wallTime - points[0]!.wallTime);
}

const throughputSection: Section = {
  name: 'throughput',
  title: 'Training throughput with a live page vs without',
  async run() {
    const trials = Number(opts.trials);
    const without: number[] = [];
    const withPage: number[] = [];
    const serverCpu: number[] = [];
    const trainSeconds: number[] = [];
    for (let i = 0; i < trials; i++) {
      for (const live of i % 2 === 0 ? [false, true] : [true, false]) {
        const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-tp-'));
        try {
          const w = openRunStore(dir);
          w.createRun({ id: 'base', config: {}, seed: 1, backend: 'native', threads: 1, status: 'finished' });
          w.close();
          if (!live) {
            without.push(await trainTrial(dir, 't'));
            continue;
          }
          const served = await serve(dir);
          const sse = openEvents(served.url);
          let fetches = 0;
          const timer = setInterval(() => {
            // what a page does on new points: the run list, the run's curves and the latest histograms
            for (const e of sse.events.splice(0)) {
              if (e.event !== 'point') continue;
              const u = (e.data as { updates: number }).updates;
              void get(served.url, '/api/runs');
              void get(served.url, '/api/runs/t/scalars');
              void get(served.url, `/api/runs/t/histograms?tensor=activation&updates=${u}`);
              fetches += 3;
            }
          }, 100);
          const cpu0 = cpuSeconds(served.pid);
          const t0 = Date.now();
          withPage.push(await trainTrial(dir, 't'));
          serverCpu.push(cpuSeconds(served.pid) - cpu0);
          trainSeconds.push((Date.now() - t0) / 1000);
          clearInterval(timer);
          sse.close();
          await served.stop();
          if (fetches === 0) throw new Error('the live client saw no probe point');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    const share = serverCpu.reduce((a, b) => a + b, 0) / trainSeconds.reduce((a, b) => a + b, 0);
    return { without, withPage, ratio: median(withPage) / median(without), serverCpu, trainSeconds, serverCpuShare: share };
  },
  render(r) {
    const f = (v: unknown): string => (v as number[]).map((x) => x.toFixed(0)).join(', ');
    return `updates/s without a server: ${f(r['without'])}; with a server and a live page: ${f(r['withPage'])}; ` +
      `median ratio ${(100 * Number(r['ratio'])).toFixed(1)}% (target ≥ 97%); the server used ` +
      `${(100 * Number(r['serverCpuShare'])).toFixed(2)}% of one core while the runs trained (${(r['serverCpu'] as number[]).map((x) => x.toFixed(2)).join(', ')} CPU s over ${f(r['trainSeconds'])} s)`;
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

/** Every section, in order; browser timings are added here as further sections. */
const SECTIONS: readonly Section[] = [rssSection, throughputSection, latencySection];

const only = opts.only?.split(',') ?? SECTIONS.map((s) => s.name);
for (const name of only) if (!SECTIONS.some((s) => s.name === name)) throw new Error(`--only: unknown section "${name}"; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
const resultsFile = join(ROOT, 'bench', 'results', 'dashboard.json');
const results: Record<string, { date: string; load: number[]; result: Record<string, unknown> }> = opts.write
  ? (() => {
      try {
        return JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, { date: string; load: number[]; result: Record<string, unknown> }>;
      } catch {
        return {};
      }
    })()
  : {};
for (const s of SECTIONS.filter((x) => only.includes(x.name))) {
  console.log(`\n## ${s.title}\n`);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const result = await s.run();
  results[s.name] = { date, load: loadavg(), result };
  console.log(s.render(result));
}
if (opts.write) {
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
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
  console.log(`\nwrote ${resultsFile} and the dashboard block of BENCHMARKS.md`);
}
