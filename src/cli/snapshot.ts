/**
 * `glorot snapshot`: a consistent copy of an output directory to move to another machine or commit
 * (src/store/snapshot.ts) — the record as one file, the latest checkpoint of each unfinished run,
 * no lock files — and how to resume from it.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { foundText } from '../core/errors.ts';
import { isRunId, RUN_ID_WORDS } from '../core/run-ids.ts';
import { DEFAULT_OUT_DIR, snapshotOutDir, type SnapshotCheckpoints } from '../store/index.ts';
import { numberArg, pathArg } from './flags.ts';
import { print } from './terminal.ts';

interface SnapshotFlags {
  out: string;
  to: string;
  checkpoints: string;
  models?: boolean;
  maxMb?: number;
}

/** `unfinished`, `none`, or a comma-separated list of run ids (each obeying the run-id rule). */
function checkpointsArg(v: string): SnapshotCheckpoints {
  if (v === 'unfinished' || v === 'none') return v;
  const ids = v.split(',').map((s) => s.trim());
  const bad = ids.find((id) => !isRunId(id));
  if (bad !== undefined) throw new InvalidArgumentError(`expected unfinished, none or run ids, each ${RUN_ID_WORDS}, found ${foundText(bad)}`);
  return ids;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** Registers `glorot snapshot`. */
export function registerSnapshotCommand(program: Command): void {
  program
    .command('snapshot')
    .description(
      'copy an output directory so that it can be moved (git, scp) and resumed elsewhere: the record as one consistent ' +
        'file (safe while runs write), the latest checkpoint of each chosen run, experiments and report; no lock files',
    )
    .option('--out <dir>', 'output directory to copy', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .requiredOption(
      '--to <dir>',
      'destination: absent, empty, or an earlier snapshot (its entries are replaced, other files kept)',
      pathArg('--to', 'a directory'),
    )
    .option('--checkpoints <which>', 'unfinished | none | run ids, comma-separated', 'unfinished')
    .option('--models', 'also copy models/ (the final weights of finished runs)')
    .option('--max-mb <n>', 'refuse, before writing anything, a snapshot larger than n MB', numberArg)
    .action((opts: SnapshotFlags) => {
      const summary = snapshotOutDir(opts.out, opts.to, {
        checkpoints: checkpointsArg(opts.checkpoints),
        models: opts.models === true,
        ...(opts.maxMb !== undefined ? { maxMegabytes: opts.maxMb } : {}),
      });
      const carried = summary.runs.filter((r) => r.checkpointUpdate !== null);
      const restart = summary.runs.filter((r) => r.checkpointUpdate === null && !['finished', 'diverged', 'failed'].includes(r.status));
      const parts = `record ${mb(summary.recordBytes)}, checkpoints ${mb(summary.checkpointBytes)}, other ${mb(summary.otherBytes)}`;
      print(`snapshot ${opts.to}: ${mb(summary.totalBytes)} (${parts})`);
      for (const r of carried) print(`  ${r.run}: ${r.status}, checkpoint at update ${r.checkpointUpdate}`);
      if (restart.length > 0) {
        print(`  without a checkpoint (a resume restarts them from update 0 and recomputes the same records): ${restart.map((r) => r.run).join(', ')}`);
      }
      print(`resume there with the same command and --out ${opts.to}`);
    });
}
