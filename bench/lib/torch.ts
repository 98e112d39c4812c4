/**
 * The PyTorch peer: bench/peers/torch_step.py in a long-lived Debian `/usr/bin/python3` process, asked
 * for trials over stdin so they interleave with ours. Benchmark-only; never a runtime dependency.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Contender } from './contender.ts';

/** Debian's interpreter, which has `python3-torch` (the pyenv python3 on PATH does not). */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../peers/torch_step.py', import.meta.url));

/** What the Python side reports at start-up. */
export interface TorchInfo {
  readonly torch: string;
  readonly python: string;
  readonly atenThreads: number;
  readonly parallel: string;
  readonly method: string;
  readonly blas: {
    readonly libraries: string[];
    readonly openblasCore?: string;
    readonly openblasConfig?: string;
    readonly openblasThreads?: number;
    readonly openblasError?: string;
  };
}

/** One thread setting of the peer. */
export interface TorchSetting {
  /** `torch.set_num_threads` (ATen's OpenMP pool; also OMP_NUM_THREADS). */
  readonly atenThreads: number;
  /** `OPENBLAS_NUM_THREADS`: Debian's torch calls the system OpenBLAS (pthreads build) for its GEMMs. */
  readonly blasThreads: number;
}

/** A started PyTorch peer. */
export interface TorchContender extends Contender {
  readonly info: TorchInfo;
  /**
   * Per batch size: which `zero_grad` variant the peer chose (the faster of `set_to_none=True`,
   * fresh gradient tensors, and `False`, zeroed and reused) and the times it measured for both.
   */
  readonly zeroGrad: Record<number, { choice: string; calibration?: { setToNoneMs: number; zeroMs: number } }>;
}

/** Why the peer cannot run here, or null when it can (Debian interpreter and torch present). */
export function torchUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (PyTorch peer needs Debian's python3 with python3-torch)`;
  return null;
}

/**
 * Starts the PyTorch peer with `setting` for a network of `widths`.
 * @throws Error when the interpreter or torch cannot start (the message carries Python's stderr).
 */
export async function startTorch(
  id: string,
  label: string,
  widths: readonly number[],
  batches: readonly number[],
  setting: TorchSetting,
): Promise<TorchContender> {
  const env = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(setting.blasThreads),
    OMP_NUM_THREADS: String(setting.atenThreads),
    MKL_NUM_THREADS: String(setting.atenThreads),
  };
  const child: ChildProcessWithoutNullStreams = spawn(
    PYTHON,
    [SCRIPT, '--widths', widths.join(','), '--torch-threads', String(setting.atenThreads)],
    { env, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const r = await iterator.next();
    if (r.done) throw new Error(`PyTorch peer exited: ${stderr.trim().split('\n').slice(-3).join(' / ') || 'no output'}`);
    return r.value;
  };
  const info = JSON.parse(await nextLine()) as TorchInfo & { ready: boolean };
  const zeroGrad: TorchContender['zeroGrad'] = {};
  return {
    id,
    label,
    threads: Math.max(setting.atenThreads, setting.blasThreads),
    batches,
    peer: true,
    info,
    zeroGrad,
    async run(batch, steps) {
      child.stdin.write(`${JSON.stringify({ batch, steps })}\n`);
      const reply = JSON.parse(await nextLine()) as {
        seconds: number;
        perStep: number[];
        zeroGrad: string;
        calibration?: { setToNoneMs: number; zeroMs: number };
      };
      if (reply.calibration) zeroGrad[batch] = { choice: reply.zeroGrad, calibration: reply.calibration };
      return reply.seconds;
    },
    async dispose() {
      child.stdin.end(`${JSON.stringify({ quit: true })}\n`);
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      lines.close();
    },
  };
}
