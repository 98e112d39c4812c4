/** `glorot train`: one training run with probes, from options or a JSON config file. */
import { readFileSync } from 'node:fs';
import { Command, Option, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { ACTIVATIONS } from '../kernels/backend.ts';
import { createBackend, describeBackend, parseBackendName, parseThreads } from '../kernels/index.ts';
import { INIT_NAMES } from '../nn/init.ts';
import { COSTS } from '../nn/mlp.ts';
import { parseTrainConfig, type TrainConfigInput } from '../config/training.ts';
import { train, type TrainProgress } from '../run/train.ts';
import { DEFAULT_OUT_DIR } from '../store/paths.ts';
import { withFlagNames } from './flags.ts';

/** A commander parser for integers ≥ min, with an error naming the option. */
export function intOption(name: string, min: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`${name} expects a whole number ≥ ${min}; found "${v}"`);
    }
    return n;
  };
}

/** A commander parser for positive finite numbers. */
export function positiveOption(name: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} expects a positive number; found "${v}"`);
    }
    return n;
  };
}

/** A comma-separated list of positive integers (hidden widths). */
function widthsOption(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new InvalidArgumentError(`--widths expects comma-separated positive whole numbers such as 1000,1000,500; found "${v}"`);
  }
  return out;
}

/** The options of `glorot train` as commander parses them. */
interface TrainCliOptions {
  config?: string;
  dataset?: string;
  dataDir?: string;
  depth?: number;
  width?: number;
  widths?: number[];
  activation?: string;
  init?: string;
  gain?: number;
  cost?: string;
  lr?: number;
  minibatch?: number;
  updates?: number;
  seed?: number;
  probeInterval?: number;
  probeSize?: number;
  jacobianExamples?: number;
  checkpointInterval?: number;
  validationSize?: number;
  testSize?: number;
  backend?: string;
  threads?: string;
  out: string;
  runId?: string;
  resume?: string;
  until?: number;
}

/** Builds the config input from a file (if given) overlaid with explicit options. */
function configInput(o: TrainCliOptions): TrainConfigInput {
  let base: Record<string, unknown> = {};
  if (o.config) {
    let text: string;
    try {
      text = readFileSync(o.config, 'utf8');
    } catch (e) {
      throw new Error(`--config ${o.config}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw new Error(`--config ${o.config}: not valid JSON (${(e as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`--config ${o.config}: expected a JSON object of training settings; found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
    }
    base = parsed as Record<string, unknown>;
  }
  const cfg: Record<string, unknown> = { ...base };
  const set = (key: string, v: unknown): void => {
    if (v !== undefined) cfg[key] = v;
  };
  set('dataset', o.dataset);
  set('dataDir', o.dataDir);
  if (o.widths !== undefined && (o.depth !== undefined || o.width !== undefined)) {
    throw new Error('--widths cannot be combined with --depth/--width: give one or the other');
  }
  if (o.widths !== undefined) cfg['hidden'] = o.widths;
  else if (o.depth !== undefined || o.width !== undefined) {
    const prior = Array.isArray(base['hidden']) ? (base['hidden'] as number[]) : [1000, 1000, 1000, 1000, 1000];
    cfg['hidden'] = Array<number>(o.depth ?? prior.length).fill(o.width ?? prior[0] ?? 1000);
  }
  set('activation', o.activation);
  set('init', o.init);
  set('gain', o.gain);
  set('cost', o.cost);
  set('learningRate', o.lr);
  set('minibatch', o.minibatch);
  set('updates', o.updates);
  set('seed', o.seed);
  set('checkpointInterval', o.checkpointInterval);
  set('validationSize', o.validationSize);
  set('testSize', o.testSize);
  const probe: Record<string, unknown> = { ...((base['probe'] as Record<string, unknown> | undefined) ?? {}) };
  if (o.probeInterval !== undefined) probe['interval'] = o.probeInterval;
  if (o.probeSize !== undefined) probe['size'] = o.probeSize;
  if (o.jacobianExamples !== undefined) probe['jacobianExamples'] = o.jacobianExamples;
  cfg['probe'] = probe;
  return cfg as TrainConfigInput;
}

/** Exit status of `glorot train` when SIGINT (Ctrl-C) or SIGTERM stopped the run (128 + SIGINT, as `reproduce`). */
export const EXIT_INTERRUPTED = 130;
/** Exit status of `glorot train` when the run diverged. */
export const EXIT_DIVERGED = 2;

/** Registers `glorot train`. */
export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('train one network with SGD, probing every layer on a fixed probe set; records go to <out>/glorot.sqlite')
    .option('--config <file>', 'a JSON training configuration (options below override its fields)')
    .option('--dataset <name>', 'shapeset | fashion-mnist | mnist | cifar10 | idx:<dir> | folder:<dir> (default shapeset)')
    .option('--data-dir <dir>', 'directory of the dataset files')
    .option('--depth <n>', 'number of hidden layers (default 5)', intOption('--depth', 0))
    .option('--width <n>', 'units per hidden layer (default 1000)', intOption('--width', 1))
    .option('--widths <list>', 'hidden widths, comma-separated, input side first (instead of --depth/--width)', widthsOption)
    .addOption(new Option('--activation <name>', 'hidden activation (default tanh)').choices([...ACTIVATIONS]))
    .addOption(new Option('--init <name>', 'weight initialisation (default normalized)').choices([...INIT_NAMES]))
    .option('--gain <g>', 'multiplies the init scale (default 1)', (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--gain expects a number ≥ 0; found "${v}"`);
      return n;
    })
    .addOption(new Option('--cost <name>', 'training cost (default nll)').choices([...COSTS]))
    .option('--lr <rate>', 'SGD learning rate (default 0.01)', positiveOption('--lr'))
    .option('--minibatch <n>', 'examples per update (default 10, the paper)', intOption('--minibatch', 1))
    .option('--updates <n>', 'SGD updates (default 100000)', intOption('--updates', 0))
    .option('--seed <n>', 'random seed (default 1)', intOption('--seed', 0))
    .option('--probe-interval <n>', 'probe every n updates (default 20000 = one of the paper\'s epochs)', intOption('--probe-interval', 1))
    .option('--probe-size <n>', 'probe-set size: the first n test examples (default 300, the paper)', intOption('--probe-size', 1))
    .option('--jacobian-examples <n>', 'examples whose Jacobian spectrum is computed at init (default 5; 0 skips)', intOption('--jacobian-examples', 0))
    .option('--checkpoint-interval <n>', 'checkpoint every n updates (default 10000)', intOption('--checkpoint-interval', 1))
    .option('--validation-size <n>', 'validation examples (Shapeset: generated; default 10000)', intOption('--validation-size', 1))
    .option('--test-size <n>', 'test examples (Shapeset: generated; default 10000)', intOption('--test-size', 1))
    .option('--backend <name>', 'auto | native | wasm | reference (default $GLOROT_BACKEND or auto)')
    .option('--threads <n>', 'kernel threads (default $GLOROT_THREADS or 1)')
    .option('--out <dir>', 'output directory', DEFAULT_OUT_DIR)
    .option('--run-id <id>', 'name of the new run (default: made from the config)')
    .option('--resume <run>', 'continue an interrupted run from its last checkpoint')
    .option('--until <n>', 'stop at update n with a checkpoint (continue later with --resume)', intOption('--until', 1))
    .addHelpText(
      'after',
      `\nExit status: 0 finished, 1 error, ${EXIT_DIVERGED} diverged, ${EXIT_INTERRUPTED} interrupted (Ctrl-C or SIGTERM: a checkpoint is written; ` +
        'continue with --resume RUN). Warnings (a resume without a usable checkpoint, or on another backend or thread count) go to stderr.',
    )
    .action(async (o: TrainCliOptions) => {
      if (o.resume !== undefined && o.resume.trim() === '') throw new Error('--resume expects a run id (see glorot runs); found ""');
      if (o.runId !== undefined && o.runId.trim() === '') throw new Error('--run-id expects a name; found ""');
      if (o.resume !== undefined) {
        const given = Object.entries(o)
          .filter(([k, v]) => v !== undefined && !['resume', 'out', 'backend', 'threads', 'until'].includes(k))
          .map(([k]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        if (given.length > 0) {
          throw new Error(`--resume continues a run with its stored configuration: ${given.join(', ')} cannot be given with it`);
        }
      }
      const config = o.resume ? undefined : parseTrainConfig(configInput(o), o.config ? `--config ${o.config}` : 'options');
      const backend = await createBackend({
        ...(o.backend !== undefined ? { name: parseBackendName(o.backend, '--backend') } : {}),
        ...(o.threads !== undefined ? { threads: parseThreads(o.threads, '--threads') } : {}),
      });
      console.log(describeBackend(backend));
      const controller = new AbortController();
      const stop = (): void => {
        if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave at once
        process.stderr.write('\nstopping after this update (writing a checkpoint); press Ctrl-C again to quit at once\n');
        controller.abort();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // a bar on a terminal; plain lines every 10 s otherwise (CI logs, `… > log`)
      const tty = process.stdout.isTTY === true;
      const bar = tty
        ? new cliProgress.SingleBar(
            { format: '{run} |{bar}| {value}/{total} updates · {ups} upd/s · loss {loss} · test err {err}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : null;
      let started = false;
      let lastLine = -Infinity;
      const onNotice = (message: string): void => {
        if (started) bar?.stop(); // notices come before the first progress; never garble the bar
        started = false;
        process.stderr.write(`warning: ${message}\n`);
      };
      const onProgress = (p: TrainProgress): void => {
        const payload = {
          run: p.run,
          ups: p.updatesPerSecond.toFixed(0),
          loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '—',
          err: p.testError === null ? '—' : `${p.testError.toFixed(2)}%`,
        };
        if (!bar) {
          const now = performance.now();
          if (now - lastLine >= 10_000 || p.update === p.updates) {
            lastLine = now;
            console.log(`${payload.run}: update ${p.update}/${p.updates} · ${payload.ups} upd/s · loss ${payload.loss} · test err ${payload.err}`);
          }
          return;
        }
        if (!started) {
          bar.start(p.updates, p.update, payload);
          started = true;
        } else bar.update(p.update, payload);
      };
      try {
        const r = await train({
          outDir: o.out,
          backend,
          ...(config ? { config } : {}),
          ...(o.resume ? { runId: o.resume, resume: true } : o.runId ? { runId: o.runId } : {}),
          ...(o.until !== undefined ? { until: o.until } : {}),
          signal: controller.signal,
          onProgress,
          onNotice,
        }).catch((e: unknown) => {
          // dataset errors name the code's option (testSize); show the flag the user typed
          if (e instanceof Error) e.message = withFlagNames(e.message);
          throw e;
        });
        if (started) bar?.stop();
        started = false;
        const lines = [`run ${r.run.id}: ${r.run.status}${r.run.statusDetail ? ` (${r.run.statusDetail})` : ''}`];
        if (r.test) lines.push(`  test error ${r.test.errorRate.toFixed(2)}% · test NLL ${r.test.nll.toFixed(4)} (${r.test.examples} examples)`);
        if (r.validation) lines.push(`  validation error ${r.validation.errorRate.toFixed(2)}%`);
        if (r.modelPath) lines.push(`  model: ${r.modelPath}`);
        lines.push(`  record: ${o.out}/glorot.sqlite — see it with: glorot show ${r.run.id} --out ${o.out}`);
        lines.push(`  ${r.seconds.toFixed(1)} s`);
        console.log(lines.join('\n'));
        if (r.run.status === 'diverged') process.exitCode = EXIT_DIVERGED;
        if (r.run.status === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
      } finally {
        if (started) bar?.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        backend.dispose();
      }
    });
}
