/**
 * `npm run bench`: the speed benchmark of issue 6 (not a test). In one run on one machine:
 *
 * - step:     one SGD step (forward, backward, update) of the paper's network 1024-1000×5-9, tanh,
 *             softmax NLL, at minibatch 10 and 128, on our native and wasm backends at 1 and 2
 *             threads, the reference backend (minibatch 10, for scale), PyTorch (Debian
 *             python3-torch, its best 2-core setting and 1 thread) and TensorFlow.js 4.22 (wasm),
 *             interleaved trial by trial; medians, steps/s, GFLOP/s, ratios to PyTorch.
 * - gemm:     GEMM GFLOP/s at 128×1024×1024 (wasm target: ≥ 40 on one thread) and the step's shapes.
 * - share:    the GEMMs' share of a step per backend (timing wrapper + GEMMs replayed alone).
 * - probe:    probe + evaluation overhead at the default 20,000-update interval.
 * - shapeset: Shapeset generation, images/s on one core.
 * - memory:   heap over 10,000 steps and peak RSS of a paper-net training (child processes).
 * - scaling:  step time for widths 250…2000 × depths 1…100.
 * - jobs:     throughput of parallel runs (src/run/jobs.ts) with 1 and 2 jobs.
 *
 * Options: --quick (≈ 2 min), --only step,gemm,… (a subset), --quiet-wait <s> (before each
 * section, wait up to s seconds until other processes keep < 0.25 cores busy), --write (regenerate
 * the GENERATED block of BENCHMARKS.md and save bench/results/benchmarks.json), --from <json>
 * (re-render a saved run without measuring), --json <file> (also save the results there),
 * --merge <json> (start from a saved run and replace only the sections run now: on a shared machine,
 * a section can be re-measured in a quiet moment; each section records its date and background load).
 *
 * Peers are optional and benchmark-only: one that is not installed is skipped with a message.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/kernels/backend.ts';
import { createBackend } from '../src/kernels/index.ts';
import { type Contender, interleavedTrials } from './lib/contender.ts';
import type { HeapReport, LoopReport, MemoryRequest, TrainReport } from './lib/memory-child.ts';
import { PAPER_WIDTHS, stepFlops, BENCH_LR } from './lib/net.ts';
import { startOurs } from './lib/ours.ts';
import * as report from './lib/report.ts';
import { type BenchResults, type MachineInfo, evaluateTargets } from './lib/results.ts';
import { GEMM_SHAPES, gemmSection, jobsSection, probeSection, scalingSection, shapesetSection, shareSection } from './lib/sections.ts';
import { now, sleep } from './lib/stats.ts';
import { startTfjs } from './lib/tfjs.ts';
import { startTorch, torchUnavailable } from './lib/torch.ts';
import { startLoadMeter, waitForQuiet } from './lib/load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['step', 'gemm', 'share', 'probe', 'shapeset', 'memory', 'scaling', 'jobs'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE =
  'npm run bench -- [--quick] [--only step,gemm,share,probe,shapeset,memory,scaling,jobs] [--quiet-wait seconds] [--merge results.json] [--write] [--json file] [--from results.json]';
/** Command-line options; a malformed command line prints what was wrong and the usage, then exits 2. */
function parseOptions(): ReturnType<typeof parse> {
  try {
    return parse();
  } catch (e) {
    console.error(`bench: ${e instanceof Error ? e.message : String(e)}\nusage: ${USAGE}`);
    process.exit(2);
  }
}
function parse() {
  return parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      write: { type: 'boolean', default: false },
      from: { type: 'string' },
      json: { type: 'string' },
      'quiet-wait': { type: 'string', default: '0' },
      merge: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
}
const { values: opts } = parseOptions();
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const RESULTS_JSON = join(ROOT, 'bench', 'results', 'benchmarks.json');
const BENCHMARKS_MD = join(ROOT, 'BENCHMARKS.md');

if (opts.from) {
  const r = JSON.parse(readFileSync(opts.from, 'utf8')) as BenchResults;
  report.writeReport(BENCHMARKS_MD, r);
  console.log(`BENCHMARKS.md regenerated from ${opts.from}`);
  process.exit(0);
}

const quick = opts.quick;
/** Seconds to wait before each section for other processes to go quiet (shared machine). */
const quietWait = Number(opts['quiet-wait']);
const only = new Set<Section>(
  opts.only
    ? opts.only.split(',').map((s) => {
        if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section "${s}"; sections: ${SECTIONS.join(', ')}`);
        return s as Section;
      })
    : SECTIONS,
);

/** Settings per mode: quick ≈ 2 min, full ≈ 10 min on the 2-core machine. */
const P = quick
  ? { rounds: 3, trialSeconds: 0.25, warmupSeconds: 0.3, gemmRounds: 2, shareRounds: 2, shareTrial: 0.15, probeRepeats: 1, probeBlock: 150, probeWasm: false, shapesetRounds: 3, shapesetSeconds: 0.4, heapSteps: 10_000, heapWarmup: 20_000, dataWarmup: 20_000, loopUpdates: 0, paperHeapSteps: 200, paperHeapWarmup: 300, rssUpdates: 30, scalingWidths: [250, 500, 1000], scalingDepths: [1, 5, 20], scalingRounds: 2, scalingTrial: 0.1, jobsRuns: 2, jobsUpdates: 500, jobsTrials: 1 }
  : { rounds: 9, trialSeconds: 0.5, warmupSeconds: 1, gemmRounds: 5, shareRounds: 5, shareTrial: 0.3, probeRepeats: 3, probeBlock: 300, probeWasm: true, shapesetRounds: 5, shapesetSeconds: 1, heapSteps: 10_000, heapWarmup: 20_000, dataWarmup: 150_000, loopUpdates: 80_000, paperHeapSteps: 1000, paperHeapWarmup: 2000, rssUpdates: 200, scalingWidths: [250, 500, 1000, 2000], scalingDepths: [1, 5, 20, 100], scalingRounds: 3, scalingTrial: 0.3, jobsRuns: 4, jobsUpdates: 800, jobsTrials: 2 };

const log = (s = ''): void => console.log(s);
const heading = (s: string): void => log(`\n## ${s}\n`);

/** Runs `node [nodeArgs] --import tsx <script> args…` from the repository root; resolves with stdout, or rejects after `timeoutMs`. */
function nodeChild(nodeArgs: string[], script: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`exited with ${signal ?? `code ${code}`}: ${err.trim().split('\n').slice(-2).join(' / ')}`));
    });
  });
}

/** Whether one of our backends runs the paper net (checked in a child process with a timeout). */
async function preflight(name: BackendName, threads: number): Promise<string | null> {
  try {
    const out = await nodeChild([], join('bench', 'lib', 'smoke.ts'), [name, String(threads)], 60_000);
    return JSON.parse(out.trim().split('\n').pop()!).ok ? null : 'pre-flight failed';
  } catch (e) {
    return `pre-flight (2 steps of the paper net in a child process) failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT }).toString().trim() !== '';
    return dirty ? `${sha} (working tree has uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

async function machineInfo(): Promise<Omit<MachineInfo, 'loadAfter' | 'seconds'>> {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  let cpuFlags = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    cpuModel = /model name\s*:\s*(.*)/.exec(info)?.[1]?.trim() ?? cpuModel;
    const family = /cpu family\s*:\s*(\d+)/.exec(info)?.[1];
    const model = /\nmodel\s*:\s*(\d+)/.exec(info)?.[1];
    const flags = new Set((/flags\s*:\s*(.*)/.exec(info)?.[1] ?? '').split(/\s+/));
    const simd = ['avx2', 'fma', 'avx512f', 'avx512_bf16', 'avx512_vnni'].filter((f) => flags.has(f));
    cpuFlags = `family ${family ?? '?'} model ${model ?? '?'}; ${simd.join(', ')}`;
  } catch {
    // not Linux
  }
  let openblas = 'native backend not built';
  let openblasCore = '—';
  let nativeSimd = '—';
  try {
    const { nativeInfo } = await import('../src/kernels/native/index.ts');
    const ni = nativeInfo();
    openblas = ni.config.trim();
    openblasCore = ni.corename;
    nativeSimd = ni.simd;
  } catch {
    // not built
  }
  let wasmBuild = 'not built';
  try {
    const b = await createBackend({ name: 'wasm', threads: 1 });
    wasmBuild = b.detail;
    b.dispose();
  } catch (e) {
    wasmBuild = `unavailable (${e instanceof Error ? e.message : String(e)})`;
  }
  const openblasEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('OPENBLAS_')).map(([k, v]) => [k, v ?? '']));
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: commit(),
    cpuModel,
    cpuFlags,
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.versions.node,
    v8: process.versions.v8,
    os: `${type()} ${release()}`,
    openblas,
    openblasCore,
    openblasEnv,
    nativeSimd,
    wasmBuild,
    loadBefore: loadavg(),
    mode: quick ? 'quick' : 'full',
  };
}

const started = now();
const partial = await machineInfo();
const results: BenchResults = { machine: { ...partial, loadAfter: [], seconds: 0 }, errors: {}, load: {}, sectionDates: {} };
if (opts.merge) {
  // start from a saved run; the sections run now replace its sections (each keeps its own date and load)
  const old = JSON.parse(readFileSync(opts.merge, 'utf8')) as BenchResults;
  for (const k of SECTIONS) {
    if (only.has(k) || old[k] === undefined) continue;
    (results as unknown as Record<string, unknown>)[k] = old[k];
    if (old.load?.[k] !== undefined) results.load[k] = old.load[k]!;
    const d = old.sectionDates?.[k] ?? old.machine.date;
    results.sectionDates![k] = d;
  }
}
log(`# glorot benchmark (${quick ? 'quick' : 'full'})\n`);
log(report.renderMachine(results));

/** Runs one section, recording its error instead of stopping the benchmark. */
async function section(name: Section, title: string, fn: () => Promise<void>, render: () => string): Promise<void> {
  if (!only.has(name)) return;
  heading(title);
  if (quietWait > 0) {
    const t = now();
    const load = await waitForQuiet(quietWait);
    log(`(waited ${Math.round(now() - t)} s for a quiet machine: other processes now keep ${load.toFixed(2)} cores busy)`);
  }
  const t0 = now();
  const meter = startLoadMeter();
  try {
    results.sectionDates![name] = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await fn();
    results.load[name] = meter.stop();
    log(render());
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    results.errors[name] = msg;
    log(`section ${name} failed: ${msg}`);
  }
  log(`\n(${name}: ${Math.round(now() - t0)} s; other processes kept ${(results.load[name] ?? NaN).toFixed(2)} cores busy on average)`);
}

// which of our backends work here (the wasm backend is new; a hang must not stall the benchmark)
const ours: Array<{ name: BackendName; threads: number }> = [];
const oursSkipped: Array<{ id: string; why: string }> = [];
if (only.has('step') || only.has('gemm') || only.has('share') || only.has('memory') || only.has('probe')) {
  for (const name of ['native', 'wasm'] as const) {
    for (const threads of [1, 2]) {
      const why = await preflight(name, threads);
      if (why) {
        oursSkipped.push({ id: `${name}-${threads}`, why });
        log(`skipping ${name} at ${threads} thread(s): ${why}`);
      } else ours.push({ name, threads });
    }
  }
}
const has = (name: BackendName, threads: number): boolean => ours.some((o) => o.name === name && o.threads === threads);

await section(
  'step',
  'One SGD step of the paper network (1024-1000×5-9, tanh, softmax NLL)',
  async () => {
    const batches = [10, 128];
    const contenders: Contender[] = [];
    const skipped = [...oursSkipped];
    for (const o of ours) contenders.push(await startOurs(o.name, o.threads, PAPER_WIDTHS, batches));
    contenders.push(await startOurs('reference', 1, PAPER_WIDTHS, [10]));
    let torchInfo: unknown = null;
    const torchWhy = torchUnavailable();
    if (torchWhy) skipped.push({ id: 'torch', why: torchWhy });
    else {
      try {
        const best = await startTorch('torch-best', 'PyTorch · 2 cores (1 ATen thread + 2 OpenBLAS threads)', PAPER_WIDTHS, batches, { atenThreads: 1, blasThreads: 2 });
        const one = await startTorch('torch-1', 'PyTorch · 1 thread', PAPER_WIDTHS, batches, { atenThreads: 1, blasThreads: 1 });
        torchInfo = { ...best.info, zeroGrad: { 'torch-best': best.zeroGrad, 'torch-1': one.zeroGrad } };
        contenders.push(best, one);
      } catch (e) {
        skipped.push({ id: 'torch', why: e instanceof Error ? e.message : String(e) });
      }
    }
    const tf = await startTfjs('tfjs', PAPER_WIDTHS, batches, BENCH_LR);
    let tfjsInfo: unknown = null;
    if (typeof tf === 'string') skipped.push({ id: 'tfjs', why: tf });
    else {
      tfjsInfo = tf.info;
      contenders.push(tf);
    }
    for (const s of skipped) log(`skipped ${s.id}: ${s.why}`);
    const timings = [];
    try {
      for (const B of batches) {
        const cs = contenders.filter((c) => c.batches.includes(B));
        log(`minibatch ${B}: ${cs.map((c) => c.id).join(', ')} — ${P.rounds} interleaved rounds`);
        timings.push(...(await interleavedTrials(cs, B, { rounds: P.rounds, trialSeconds: P.trialSeconds, minSteps: 2, warmupSeconds: P.warmupSeconds, pauseMs: 150 })));
      }
    } finally {
      for (const c of contenders) await c.dispose();
    }
    results.step = {
      widths: PAPER_WIDTHS,
      batches,
      flops: Object.fromEntries(batches.map((B) => [B, stepFlops(PAPER_WIDTHS, B)])),
      contenders: contenders.map((c) => ({ id: c.id, label: c.label, threads: c.threads, peer: c.peer })),
      timings,
      skipped,
      torch: torchInfo,
      tfjs: tfjsInfo,
      rounds: P.rounds,
    };
  },
  () => report.renderStep(results),
);

await section(
  'gemm',
  'GEMM throughput',
  async () => {
    results.gemm = await gemmSection(ours, GEMM_SHAPES, P.gemmRounds);
  },
  () => report.renderGemm(results),
);

await section(
  'share',
  "Where a step's time goes",
  async () => {
    results.share = await shareSection(ours, [10, 128], P.shareRounds, P.shareTrial);
  },
  () => report.renderShare(results),
);

await section(
  'probe',
  'Probe overhead',
  async () => {
    const out = [];
    out.push(await probeSection('native', 1, P.probeRepeats, P.probeBlock).catch((e: unknown) => {
      throw new Error(`native: ${e instanceof Error ? e.message : String(e)}`);
    }));
    if (P.probeWasm && has('wasm', 1)) out.push(await probeSection('wasm', 1, P.probeRepeats, P.probeBlock));
    results.probe = out;
  },
  () => report.renderProbe(results),
);

await section(
  'shapeset',
  'Shapeset generation',
  async () => {
    results.shapeset = shapesetSection(P.shapesetRounds, P.shapesetSeconds);
  },
  () => report.renderShapeset(results),
);

await section(
  'memory',
  'Memory',
  async () => {
    // the paper's depth at width 100: the same layers, kernel calls and JavaScript per step as the
    // paper network (width changes only the kernels' inner loops), 10,000 steps in seconds. Steady
    // state needs a long warm-up: V8 re-optimises a function after a rare branch is first taken
    // (the Shapeset generator's dropped-object path comes about once per million images), and the
    // unoptimised code allocates meanwhile.
    const narrow = [1024, 100, 100, 100, 100, 100, 9];
    const requests: MemoryRequest[] = [];
    for (const o of ours.filter((x) => x.threads === 1)) {
      requests.push({ kind: 'heap', backend: o.name, threads: 1, widths: narrow, batch: 10, steps: P.heapSteps, warmup: P.heapWarmup, data: false });
      requests.push({ kind: 'heap', backend: o.name, threads: 1, widths: narrow, batch: 10, steps: P.heapSteps, warmup: P.dataWarmup, data: true });
      if (P.loopUpdates > 0) requests.push({ kind: 'loop', backend: o.name, threads: 1, hidden: narrow.slice(1, -1), updates: P.loopUpdates });
    }
    if (!quick) {
      for (const o of ours) {
        requests.push({ kind: 'heap', backend: o.name, threads: o.threads, widths: [...PAPER_WIDTHS], batch: 10, steps: P.paperHeapSteps, warmup: P.paperHeapWarmup, data: false });
      }
    }
    for (const o of ours.filter((x) => x.threads === 1 && (!quick || x.name === 'native'))) {
      requests.push({ kind: 'train', backend: o.name, threads: 1, updates: P.rssUpdates });
    }
    const heap: HeapReport[] = [];
    const train: TrainReport[] = [];
    const loop: LoopReport[] = [];
    const failures: string[] = [];
    for (const req of requests) {
      try {
        const out = await nodeChild(['--expose-gc'], join('bench', 'lib', 'memory-child.ts'), [JSON.stringify(req)], 600_000);
        const rep = JSON.parse(out.trim().split('\n').pop()!) as HeapReport | TrainReport | LoopReport;
        if (rep.kind === 'heap') heap.push(rep);
        else if (rep.kind === 'loop') loop.push(rep);
        else train.push(rep);
      } catch (e) {
        failures.push(`${req.kind} ${req.backend} ${req.threads}t: ${e instanceof Error ? e.message : String(e)}`);
      }
      await sleep(100);
    }
    results.memory = { heap, train, loop, failures };
  },
  () => report.renderMemory(results),
);

await section(
  'scaling',
  'Scaling with width and depth',
  async () => {
    results.scaling = await scalingSection('native', 1, P.scalingWidths, P.scalingDepths, 10, P.scalingRounds, P.scalingTrial);
  },
  () => report.renderScaling(results),
);

await section(
  'jobs',
  'Parallel runs',
  async () => {
    results.jobs = await jobsSection(P.jobsRuns, P.jobsUpdates, P.jobsTrials);
  },
  () => report.renderJobs(results),
);

(results as { machine: MachineInfo }).machine = { ...results.machine, loadAfter: loadavg(), seconds: now() - started };
heading('Targets (issue 6)');
log(report.renderTargets(results));
const missed = evaluateTargets(results).filter((t) => t.met === false).length;
log(`\n${missed} target(s) missed; load average now ${loadavg().map((l) => l.toFixed(2)).join(' / ')}; ${Math.round(now() - started)} s in all.`);

const jsonPaths = [...(opts.json ? [opts.json] : []), ...(opts.write ? [RESULTS_JSON] : [])];
for (const p of jsonPaths) {
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, `${JSON.stringify(results, null, 1)}\n`);
  log(`results saved to ${p}`);
}
if (opts.write) {
  report.writeReport(BENCHMARKS_MD, results);
  log(`BENCHMARKS.md updated (generated block)`);
}
process.exit(0);
