/** `glorot train`: one training run with probes, from options or a JSON config file. */
import type { Command } from 'commander';
import { ActivationSchema, InitSchema, parseTrainConfig, TRAIN_DEFAULTS, TrainConfigSchema, type TrainConfig, UPDATES_PER_EPOCH } from '../config/training.ts';
import { DATASET_NAMES } from '../core/datasets.ts';
import { foundText, InvalidInputError } from '../core/errors.ts';
import { readJsonFile } from '../core/json.ts';
import { SHAPESET_EVAL_SIZE } from '../data/defaults.ts';
import { createBackend, describeBackend } from '../kernels/index.ts';
import { ResumableRunError, train, type TrainResult } from '../run/train.ts';
import { DEFAULT_OUT_DIR } from '../store/paths.ts';
import { addBackendOptions, type BackendFlags, backendRequest } from './backend.ts';
import { defaultText, noteConfigFile, numberArg, numberListArg, pathArg, runIdArg, wholeNumberArg } from './flags.ts';
import { asUsage, EXIT_DIVERGED, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE, UsageError } from './exit.ts';
import { interruptSignal } from './interrupt.ts';
import { trainDisplay } from './trainProgress.ts';
import { print, printError } from './terminal.ts';
import { addTensorboardOption, liveTensorboard, type TensorboardFlag } from './tensorboard.ts';

/** The options of `glorot train` as commander parses them. */
interface TrainCliOptions extends BackendFlags, TensorboardFlag {
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
  out: string;
  runId?: string;
  resume?: string;
  until?: number;
  json?: boolean;
}

/**
 * Reads a `--config` file: a JSON object of training settings, read as every JSON file a user
 * writes is (src/core/json.ts: a byte-order mark accepted, nesting bounded).
 * @throws Error led by `--config` and naming the file when it cannot be read, is not JSON or not an object.
 */
function readConfigFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = readJsonFile(file, 'a training configuration');
  } catch (e) {
    if (e instanceof InvalidInputError) throw new Error(`--config ${e.message}`);
    throw e;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`--config ${file}: expected a JSON object of training settings, found ${Array.isArray(parsed) ? 'an array' : foundText(parsed)}`);
  }
  const fields = Object.entries(parsed).flatMap(([k, v]) =>
    k === 'probe' && v !== null && typeof v === 'object' ? Object.keys(v).map((p) => `probe.${p}`) : [k],
  );
  noteConfigFile(file, fields);
  return parsed as Record<string, unknown>;
}

/** The configuration input: a `--config` file (if given) overlaid with the options given. */
function configInput(o: TrainCliOptions): Record<string, unknown> {
  const base = o.config !== undefined ? readConfigFile(o.config) : {};
  const cfg: Record<string, unknown> = { ...base };
  const set = (key: string, v: unknown): void => {
    if (v !== undefined) cfg[key] = v;
  };
  if (o.widths !== undefined && (o.depth !== undefined || o.width !== undefined)) {
    throw new UsageError('--widths cannot be combined with --depth/--width: give one or the other');
  }
  if (o.widths !== undefined) cfg['hidden'] = o.widths;
  else if (o.depth !== undefined || o.width !== undefined) {
    const prior = Array.isArray(base['hidden']) ? (base['hidden'] as unknown[]) : TRAIN_DEFAULTS.hidden;
    cfg['hidden'] = Array<unknown>(o.depth ?? prior.length).fill(o.width ?? prior[0] ?? TRAIN_DEFAULTS.hidden[0]);
  }
  for (const [key, v] of Object.entries({
    dataset: o.dataset,
    dataDir: o.dataDir,
    activation: o.activation,
    init: o.init,
    gain: o.gain,
    cost: o.cost,
    learningRate: o.lr,
    minibatch: o.minibatch,
    updates: o.updates,
    seed: o.seed,
    checkpointInterval: o.checkpointInterval,
    validationSize: o.validationSize,
    testSize: o.testSize,
  })) set(key, v);
  const probe: Record<string, unknown> = { ...((base['probe'] as Record<string, unknown> | undefined) ?? {}) };
  if (o.probeInterval !== undefined) probe['interval'] = o.probeInterval;
  if (o.probeSize !== undefined) probe['size'] = o.probeSize;
  if (o.jacobianExamples !== undefined) probe['jacobianExamples'] = o.jacobianExamples;
  cfg['probe'] = probe;
  return cfg;
}

/** The options `--resume` allows beside it: the others would change the stored configuration. */
const RESUME_OPTIONS = ['--resume', '--out', '--backend', '--threads', '--until', '--json'];

/**
 * The configuration of a new run, or none when resuming.
 * @throws UsageError when `--resume` comes with options that set the configuration, when --widths
 *   comes with --depth/--width, or for a configuration its schema refuses (its cause, an
 *   InvalidInputError, names the fields: by their flags in the CLI); Error when `--config` cannot be read.
 */
function configFor(o: TrainCliOptions, cmd: Command): TrainConfig | undefined {
  if (o.resume === undefined) {
    const input = configInput(o);
    return asUsage(() => parseTrainConfig(input));
  }
  const given = cmd.options
    .filter((opt) => opt.long !== undefined && !RESUME_OPTIONS.includes(opt.long) && cmd.getOptionValueSource(opt.attributeName()) === 'cli')
    .map((opt) => opt.long!);
  if (given.length > 0) throw new UsageError(`--resume continues a run with its stored configuration: ${given.join(', ')} cannot be given with it`);
  return undefined;
}

/** The lines printed when the run ends, with how to continue an interrupted one. */
function resultLines(r: TrainResult, out: string): string {
  const lines = [`run ${r.run.id}: ${r.run.status}${r.run.statusDetail ? ` (${r.run.statusDetail})` : ''}`];
  if (r.run.status === 'interrupted') lines.push(`  continue with: glorot train --resume ${r.run.id} --out ${out}`);
  if (r.test) lines.push(`  test error ${r.test.errorRate.toFixed(2)}% · test NLL ${r.test.nll.toFixed(4)} (${r.test.examples} examples)`);
  if (r.validation) lines.push(`  validation error ${r.validation.errorRate.toFixed(2)}%`);
  if (r.modelPath) lines.push(`  model: ${r.modelPath}`);
  lines.push(`  record: ${out}/glorot.sqlite — see it with: glorot show ${r.run.id} --out ${out}`);
  lines.push(`  ${r.seconds.toFixed(1)} s`);
  return lines.join('\n');
}

/**
 * The result as JSON (`--json`): the run as the record holds it, the final test and validation
 * evaluations (null unless it finished), the model file, the record file, the seconds taken, and for
 * an interrupted run the command that continues it. The same fields as `glorot show --json`'s `run`.
 */
function resultJson(r: TrainResult, out: string): string {
  return JSON.stringify(
    {
      run: r.run,
      test: r.test,
      validation: r.validation,
      modelPath: r.modelPath,
      record: `${out}/glorot.sqlite`,
      seconds: r.seconds,
      ...(r.run.status === 'interrupted' ? { resume: `glorot train --resume ${r.run.id} --out ${out}` } : {}),
    },
    null,
    2,
  );
}

/** `one of the paper's epochs` when `updates` is one (SPEC.md §1: 20,000 updates). */
function epochNote(updates: number): string | undefined {
  if (updates === UPDATES_PER_EPOCH) return "one of the paper's epochs";
  return updates % UPDATES_PER_EPOCH === 0 ? `${updates / UPDATES_PER_EPOCH} of the paper's epochs` : undefined;
}

/** `the paper` when a default is the paper's setting (SPEC.md §1: minibatch 10, 300 probe examples). */
function paper(value: number, papers: number): string | undefined {
  return value === papers ? 'the paper' : undefined;
}

/** Registers `glorot train`. */
export function registerTrainCommands(program: Command): void {
  const d = TRAIN_DEFAULTS;
  const choices = (values: readonly string[], fallback: string): string => `${values.join(' | ')} (default ${fallback})`;
  const cmd = program
    .command('train')
    .description('train one network with SGD, probing every layer on a fixed probe set; records go to <out>/glorot.sqlite')
    .option('--config <file>', 'a JSON training configuration (options below override its fields)', pathArg('--config', 'a file name'))
    .option('--dataset <name>', `${[...DATASET_NAMES, 'idx:<dir>', 'folder:<dir>'].join(' | ')} ${defaultText(d.dataset)}`)
    .option('--data-dir <dir>', 'directory of the dataset files', pathArg('--data-dir', 'a directory'))
    .option('--depth <n>', `number of hidden layers ${defaultText(d.hidden.length)}`, wholeNumberArg(0))
    .option('--width <n>', `units per hidden layer ${defaultText(d.hidden[0])}`, numberArg)
    .option('--widths <list>', 'hidden widths, comma-separated, input side first (instead of --depth/--width)', numberListArg)
    .option('--activation <name>', `hidden activation: ${choices(ActivationSchema.options, d.activation)}`)
    .option('--init <name>', `weight initialisation: ${choices(InitSchema.options, d.init)}`)
    .option('--gain <g>', `multiplies the init scale ${defaultText(d.gain)}`, numberArg)
    .option('--cost <name>', `training cost: ${choices(TrainConfigSchema.shape.cost.unwrap().options, d.cost)}`)
    .option('--lr <rate>', `SGD learning rate ${defaultText(d.learningRate)}`, numberArg)
    .option('--minibatch <n>', `examples per update ${defaultText(d.minibatch, paper(d.minibatch, 10))}`, numberArg)
    .option('--updates <n>', `SGD updates ${defaultText(d.updates)}`, numberArg)
    .option('--seed <n>', `random seed ${defaultText(d.seed)}`, numberArg)
    .option('--probe-interval <n>', `probe every n updates ${defaultText(d.probe.interval, epochNote(d.probe.interval))}`, numberArg)
    .option('--probe-size <n>', `probe-set size: the first n test examples ${defaultText(d.probe.size, paper(d.probe.size, 300))}`, numberArg)
    .option('--jacobian-examples <n>', `examples whose Jacobian spectrum is computed at init (0 skips) ${defaultText(d.probe.jacobianExamples)}`, numberArg)
    .option('--checkpoint-interval <n>', `checkpoint every n updates ${defaultText(d.checkpointInterval)}`, numberArg)
    .option('--validation-size <n>', `validation examples (Shapeset: generated; default ${SHAPESET_EVAL_SIZE})`, numberArg)
    .option('--test-size <n>', `test examples (Shapeset: generated; default ${SHAPESET_EVAL_SIZE})`, numberArg);
  addBackendOptions(cmd)
    .option('--out <dir>', 'output directory', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--run-id <id>', 'name of the new run (default: made from the config)', runIdArg)
    .option('--resume <run>', 'continue an interrupted run from its last checkpoint', runIdArg)
    .option('--until <n>', 'stop at update n with a checkpoint (continue later with --resume)', wholeNumberArg(1))
    .option('--json', 'print the result as JSON on stdout (progress and notices go to stderr)');
  addTensorboardOption(cmd)
    .addHelpText(
      'after',
      `\nExit status: 0 finished, ${EXIT_ERROR} error, ${EXIT_USAGE} usage error (nothing was started), ${EXIT_DIVERGED} diverged, ` +
        `${EXIT_INTERRUPTED} interrupted (Ctrl-C or SIGTERM: a checkpoint is written; ` +
        'continue with --resume RUN). Progress, the backend and warnings (a resume without a usable checkpoint, or on another backend or thread count) go to ' +
        'stderr; the result to stdout.',
    )
    .action(async (o: TrainCliOptions, command: Command) => {
      const config = configFor(o, command);
      const tensorboard = liveTensorboard(o);
      const backend = await createBackend(asUsage(() => backendRequest(o)));
      printError(describeBackend(backend));
      const interrupt = interruptSignal('stopping after this update (writing a checkpoint); press Ctrl-C again to quit at once');
      const display = trainDisplay();
      try {
        const r = await train({
          outDir: o.out,
          backend,
          ...(config ? { config } : {}),
          ...(o.resume ? { runId: o.resume, resume: true } : o.runId ? { runId: o.runId } : {}),
          ...(o.until !== undefined ? { until: o.until } : {}),
          ...tensorboard,
          signal: interrupt.signal,
          onProgress: display.onProgress,
          onNotice: display.onNotice,
        }).catch((e: unknown) => {
          if (e instanceof ResumableRunError) e.message += ` (glorot train --resume ${e.runId} --out ${o.out})`;
          throw e;
        });
        display.stop();
        print(o.json === true ? resultJson(r, o.out) : resultLines(r, o.out));
        if (r.run.status === 'diverged') process.exitCode = EXIT_DIVERGED;
        if (r.run.status === 'interrupted') process.exitCode = EXIT_INTERRUPTED;
      } finally {
        display.stop();
        interrupt.dispose();
        backend.dispose();
      }
    });
}
