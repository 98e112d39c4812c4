/**
 * How busy the machine was with OTHER work while a section ran: CPU time of all cores from
 * /proc/stat minus this process's own (threads included, plus its waited-for children such as the
 * PyTorch peers and memory probes). Linux only; elsewhere the meter reports NaN. Not part of the
 * library.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const TICKS = 100;

function allBusyTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
}

function ownTicks(): number {
  const s = readFileSync('/proc/self/stat', 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ').map(Number);
  // fields after the command: state(0) … utime(11) stime(12) cutime(13) cstime(14)
  return f[11]! + f[12]! + f[13]! + f[14]!;
}

/** A started meter; `stop()` gives the average number of cores other processes kept busy. */
export interface LoadMeter {
  stop(): number;
}

/** Starts measuring the background load (cores busy with other processes). */
export function startLoadMeter(): LoadMeter {
  try {
    const t0 = performance.now();
    const all0 = allBusyTicks();
    const own0 = ownTicks();
    return {
      stop() {
        const seconds = (performance.now() - t0) / 1e3;
        const other = allBusyTicks() - all0 - (ownTicks() - own0);
        return Math.max(0, other / TICKS / seconds);
      },
    };
  } catch {
    return { stop: () => NaN };
  }
}

/**
 * Waits, in windows of `windowSeconds`, until other processes keep fewer than `maxCores` cores busy,
 * for at most `budgetSeconds`. Returns the load of the last window (NaN off Linux).
 */
export async function waitForQuiet(budgetSeconds: number, maxCores = 0.25, windowSeconds = 2): Promise<number> {
  const deadline = performance.now() + budgetSeconds * 1e3;
  let load = NaN;
  do {
    const m = startLoadMeter();
    await new Promise((r) => setTimeout(r, windowSeconds * 1e3));
    load = m.stop();
    if (!(load >= maxCores)) return load;
  } while (performance.now() < deadline);
  return load;
}
