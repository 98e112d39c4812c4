/**
 * Which process holds a lock or wrote a temporary file, and whether it still runs. A pid alone is
 * not enough: an output directory moves between machines (the paper-scale record travels through
 * git), and pids are recycled. So an owner is recorded as pid + host name + boot id + the process's
 * start time, and it is alive only when all four still match on this machine:
 *
 * - another host name: the owner ran elsewhere (an output directory is never shared live between
 *   machines — SQLite's WAL mode needs shared memory, which network file systems do not give — so a
 *   lock from another host was copied with the directory);
 * - another boot id (`/proc/sys/kernel/random/boot_id`): the machine has restarted since;
 * - no process with that pid, or one that started at another time (field 22 of `/proc/<pid>/stat`,
 *   in clock ticks since boot): the owner is gone, or its pid now belongs to another process.
 *
 * Without /proc (not Linux) the boot id and start time are unknown and only the host and pid are
 * compared. Owners written by an older glorot (a bare pid) are compared by pid alone.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** A process, as recorded by the lock or file it owns. */
export interface ProcessIdentity {
  readonly pid: number;
  /** `os.hostname()`; null for an owner recorded by an older glorot (pid only). */
  readonly host: string | null;
  /** The kernel's boot id; null when unknown. */
  readonly bootId: string | null;
  /** Start time in clock ticks since boot (`/proc/<pid>/stat` field 22), as text; null when unknown. */
  readonly startTicks: string | null;
}

/** Whether an owner still runs, and if not, why in words. */
export interface OwnerState {
  readonly alive: boolean;
  /** e.g. `process 1234 on host lab2 is running`, `no process 1234 on this host`, `it ran on host lab1, not this one (lab2)`. */
  readonly reason: string;
}

/** The boot id of this machine, or null without /proc. */
function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * The start time of process `pid` in clock ticks since boot, or null when there is no such process
 * or no /proc. Field 22 of `/proc/<pid>/stat`; field 2 (the command name, in parentheses) may hold
 * spaces and parentheses, so fields are counted after its last `)`.
 */
export function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields[0] is field 3 (state)
  } catch {
    return null;
  }
}

/** Linux's USER_HZ: the unit of /proc's clock ticks, 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * When process `pid` started, in ms since the Unix epoch (the boot time `btime` of /proc/stat plus
 * its start ticks), or null when there is no such process or no /proc.
 */
export function processStartMs(pid: number): number | null {
  const ticks = startTicksOf(pid);
  if (ticks === null) return null;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 + (Number(ticks) * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/**
 * Whether the process `pid` of this machine that wrote a file last modified at `mtimeMs` may still
 * be writing it: it exists and started before the file was modified (a process that started after
 * it holds a recycled pid). A file's name records only the pid, so its host is taken to be this one.
 */
export function writerMayBeAlive(pid: number, mtimeMs: number): boolean {
  if (pid === process.pid) return true;
  if (!pidExists(pid)) return false;
  const started = processStartMs(pid);
  // the tick is 10 ms, and btime is whole seconds: allow a second
  return started === null || started <= mtimeMs + 1000;
}

/** This process. */
export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, host: hostname(), bootId: bootId(), startTicks: startTicksOf(process.pid) };
}

/** Whether a process with this pid exists here (signal 0 probes without sending anything). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `process 1234 on host lab2`, or `process 1234` when the host is unknown. */
export function describeOwner(owner: ProcessIdentity): string {
  return `process ${owner.pid}${owner.host === null ? '' : ` on host ${owner.host}`}`;
}

/** Whether `owner` still runs (see the module comment for what must match). */
export function ownerState(owner: ProcessIdentity): OwnerState {
  const here = hostname();
  if (!Number.isSafeInteger(owner.pid) || owner.pid <= 0) return { alive: false, reason: `no valid pid (${String(owner.pid)})` };
  if (owner.host !== null && owner.host !== here) {
    return { alive: false, reason: `it ran on host ${owner.host}, not this one (${here}): the directory was copied or moved here` };
  }
  const boot = bootId();
  if (owner.bootId !== null && boot !== null && owner.bootId !== boot) {
    return { alive: false, reason: `${describeOwner(owner)} ran before this machine last restarted` };
  }
  if (owner.pid === process.pid && (owner.startTicks === null || owner.startTicks === startTicksOf(process.pid))) {
    return { alive: true, reason: `${describeOwner(owner)} is this process` };
  }
  if (!pidExists(owner.pid)) return { alive: false, reason: `${describeOwner(owner)} is gone (no such process)` };
  const ticks = startTicksOf(owner.pid);
  if (owner.startTicks !== null && ticks !== null && ticks !== owner.startTicks) {
    return { alive: false, reason: `${describeOwner(owner)} is gone (pid ${owner.pid} now belongs to another process)` };
  }
  return { alive: true, reason: `${describeOwner(owner)} is running` };
}

/**
 * Reads an owner as a lock file holds it: JSON `{pid, host, bootId, startTicks, …}`, or an older
 * glorot's bare pid.
 * @returns null when the text is neither.
 */
export function parseOwner(text: string): (ProcessIdentity & Record<string, unknown>) | null {
  const bare = /^\s*(\d+)\s*$/.exec(text);
  if (bare) return { pid: Number(bare[1]), host: null, bootId: null, startTicks: null };
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const r = o as Record<string, unknown>;
  if (typeof r['pid'] !== 'number') return null;
  const text_ = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
  return { ...r, pid: r['pid'], host: text_(r['host']), bootId: text_(r['bootId']), startTicks: text_(r['startTicks']) };
}
