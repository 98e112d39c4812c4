/**
 * `glorot import FILE` (a PyTorch-written Sequential MLP → a glorot model file) and
 * `glorot eval RUN|FILE` (error rate and NLL of a run's model or any model file on a dataset), and
 * `export RUN --pytorch [file]`'s action (src/cli/store.ts adds the option). Issue 15, item 12.
 */
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { ActivationSchema } from '../config/training.ts';
import { isActivationName, type ActivationName } from '../core/activations.ts';
import { entryExists } from '../core/files.ts';
import { InvalidInputError, foundText } from '../core/errors.ts';
import { openDataset } from '../data/dataset.ts';
import { createBackend } from '../kernels/index.ts';
import type { Evaluation } from '../nn/evaluate.ts';
import { evaluateOn, exportPytorch, importPytorch, loadModelFile, runDataset, runModelPath } from '../run/interop.ts';
import { DEFAULT_OUT_DIR } from '../store/paths.ts';
import { addBackendOptions, type BackendFlags, backendRequest } from './backend.ts';
import { openOptions, withDatasetOptions, type DataFlags } from './dataset-flags.ts';
import { asUsage, UsageError } from './exit.ts';
import { pathArg } from './flags.ts';
import { print } from './terminal.ts';

/**
 * `--activation` checked where it enters: one of the activation table's names.
 * @throws UsageError (exit 2) whose cause is an InvalidInputError naming the field, when it is no activation's name.
 */
function activationOf(given: string | undefined): ActivationName | undefined {
  if (given === undefined) return undefined;
  if (isActivationName(given)) return given;
  return asUsage(() => {
    throw new InvalidInputError({ field: 'activation', expected: `one of ${ActivationSchema.options.join(', ')}`, found: foundText(given) });
  });
}

/** Writes a run's model as a PyTorch state_dict (`export RUN --pytorch [file]`). */
export async function exportPytorchAction(out: string, run: string, file: string | true): Promise<void> {
  const target = file === true ? join(out, 'models', `${run}.pytorch.safetensors`) : file;
  const backend = await createBackend({ name: 'reference' });
  try {
    const meta = await exportPytorch(backend, out, run, target);
    print(`PyTorch: ${target} (state_dict of ${meta['dataset']} model ${run}; keys 0.weight, 0.bias, …; weights [out, in])`);
    print(`  load with: model.load_state_dict(safetensors.torch.load_file("${target}"))`);
  } finally {
    backend.dispose();
  }
}

interface ImportFlags {
  out: string;
  activation?: string;
  name?: string;
}

interface EvalFlags extends DataFlags, BackendFlags {
  out: string;
  dataset?: string;
  activation?: string;
  json?: boolean;
}

const percent = (e: Evaluation): string => `${e.errorRate.toFixed(2)}% error, NLL ${e.nll.toFixed(4)} (${e.n} examples)`;

/** Registers `glorot import` and `glorot eval`. */
export function registerInteropCommands(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'a safetensors state_dict of a torch.nn.Sequential of Linear layers and activations', pathArg('<file>', 'a file name'))
    .description('import a PyTorch MLP (safetensors state_dict, weights [out, in]) as a glorot model file in <out>/models/')
    .option('--out <dir>', 'output directory', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--activation <name>', `the hidden layers' activation when the file's metadata names none: ${ActivationSchema.options.join(' | ')}`)
    .option('--name <name>', 'model file name (default: the file name without its extensions)')
    .action(async (file: string, o: ImportFlags) => {
      const name = o.name ?? basename(file, extname(file)).replace(/\.pytorch$/, '');
      const target = join(o.out, 'models', `${name}.safetensors`);
      const activation = activationOf(o.activation);
      const backend = await createBackend({ name: 'reference' });
      try {
        const widths = importPytorch(backend, file, target, activation);
        print(`imported ${file}: widths ${widths.join('-')} → ${target}`);
        print(`  evaluate with: glorot eval ${target} --dataset <name>`);
      } finally {
        backend.dispose();
      }
    });

  addBackendOptions(
    withDatasetOptions(
      program
        .command('eval')
        .argument('<model>', 'a run id (its model in <out>/models/) or a model file (glorot or PyTorch layout)', pathArg('<model>', 'a run id or a file'))
        .description("a model's error rate and NLL on a dataset's validation and test splits")
        .option('--out <dir>', 'output directory (for a run id)', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
        .option('--dataset <name>', "dataset to evaluate on (default for a run: the run's own, with its options)")
        .option('--activation <name>', "the hidden layers' activation of a PyTorch file whose metadata names none")
        .option('--json', 'print JSON'),
    ),
  ).action(async (model: string, o: EvalFlags) => {
    const isFile = entryExists(model) || model.endsWith('.safetensors');
    // the command line is checked before anything is loaded: a usage error starts nothing
    if (o.dataset === undefined && isFile) throw new UsageError(`eval ${model}: give --dataset (a model file does not say which dataset it is for)`);
    const activation = activationOf(o.activation);
    const path = isFile ? model : runModelPath(o.out, model);
    const backend = await createBackend(asUsage(() => backendRequest(o)));
    try {
      const loaded = loadModelFile(backend, path, activation);
      try {
        const ds = o.dataset !== undefined ? await openDataset(o.dataset, openOptions(o)) : await runDataset(o.out, model);
        const r = evaluateOn(loaded.mlp, ds);
        if (o.json) print(JSON.stringify({ model: path, layout: loaded.layout, ...r }, null, 2));
        else print(`${path} (${loaded.layout} layout) on ${r.dataset}\n  validation: ${percent(r.validation)}\n  test:       ${percent(r.test)}`);
      } finally {
        loaded.mlp.dispose();
      }
    } finally {
      backend.dispose();
    }
  });
}
