// The wasm backend's module: kernel entry points (named as the methods of `Backend` in
// src/kernels/backend.ts) and the static split of large calls across kernel threads.
//
// Every thread (the calling thread and each worker) instantiates this module on the same shared
// memory; globals are per instance. The calling thread writes a job into the control block,
// bumps SEQ and notifies; each worker computes its part (a fixed slice of the output columns or
// rows, decided by the caller), stores SEQ into its DONE word and notifies; the caller computes
// part 0 and then waits for every DONE. No message passing per call. Waiting threads spin
// briefly here (so back-to-back calls of one training step do not pay a futex wake each), then
// return to JavaScript, which blocks in Atomics.wait. Arguments are validated by the TypeScript
// side before they get here.
import {
  MR, NR, gemmRange, gemmSetWorkspace, gemmWorkspaceBytes,
} from './gemm';
import {
  activationBackwardRange, biasActivationRows, elementwiseSetWorkspace, elementwiseWorkspaceBytes,
} from './elementwise';

export { colSum } from './elementwise';

// control block layout (byte offsets from `ctrl`)
// @ts-ignore: decorator
@inline const SEQ: usize = 0;
// @ts-ignore: decorator
@inline const OP: usize = 4;
// @ts-ignore: decorator
@inline const ERROR: usize = 8;
// byte 12: PROBE, written and read only by the TypeScript side (core.ts) to recognise views of
// this memory
// @ts-ignore: decorator
@inline const ARGS: usize = 16;
/** DONE word of thread t (t ≥ 1) is at 64·(t+1): one cache line each. */
// @ts-ignore: decorator
@inline const LINE: usize = 64;

// @ts-ignore: decorator
@inline const OP_GEMM: i32 = 1;
// @ts-ignore: decorator
@inline const OP_BIAS_ACTIVATION: i32 = 2;
// @ts-ignore: decorator
@inline const OP_ACTIVATION_BACKWARD: i32 = 3;
// @ts-ignore: decorator
@inline const OP_QUIT: i32 = 99;

let ctrl: usize = 0;
let threadIndex: i32 = 0;
let threadCount: i32 = 1;
let spinMain: i32 = 1 << 20;
let spinWorker: i32 = 1 << 18;
let minParallelFlops: f64 = 4e6;
let minParallelElements: i32 = 1 << 15;

/** Bytes of the control block for `threads` threads. */
export function controlBytes(threads: i32): i32 {
  return <i32>LINE * (threads + 1);
}

/** Bytes of per-thread workspace (GEMM packing buffers and scratch), 64-byte multiple. */
export function workspaceBytes(): i32 {
  return (gemmWorkspaceBytes() + elementwiseWorkspaceBytes() + 63) & ~63;
}

/**
 * Sets up this instance as thread `index` of `count`: control block at `ctrlPtr`, its own
 * workspace at `workspace` (workspaceBytes() bytes).
 */
export function init(ctrlPtr: usize, workspace: usize, index: i32, count: i32): void {
  ctrl = ctrlPtr;
  threadIndex = index;
  threadCount = count;
  gemmSetWorkspace(workspace);
  elementwiseSetWorkspace(workspace + <usize>gemmWorkspaceBytes());
}

/**
 * When calls are split across threads: GEMMs of at least `flops` (2·m·n·k), elementwise calls of
 * at least `elements`; spin iterations before blocking, for the caller and for workers.
 */
export function setTuning(flops: f64, elements: i32, spinCaller: i32, spinWorkers: i32): void {
  minParallelFlops = flops;
  minParallelElements = elements;
  spinMain = spinCaller;
  spinWorker = spinWorkers;
}

/** Start of part t of T when `total` items are split into blocks of `align`. */
function splitPoint(total: i32, align: i32, t: i32, parts: i32): i32 {
  const blocks = (total + align - 1) / align;
  return min(total, <i32>(<i64>blocks * t / parts) * align);
}

// @ts-ignore: decorator
@inline function argI(i: i32): i32 {
  return load<i32>(ctrl + ARGS + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function argF(i: i32): f32 {
  return load<f32>(ctrl + ARGS + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function setI(i: i32, v: i32): void {
  store<i32>(ctrl + ARGS + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline function setF(i: i32, v: f32): void {
  store<f32>(ctrl + ARGS + (<usize>i << 2), v);
}

/** Runs part `t` of the job in the control block. */
function runPart(op: i32, t: i32): void {
  const parts = threadCount;
  if (op == OP_GEMM) {
    const m = argI(2), n = argI(3);
    let i0 = 0, i1 = m, j0 = 0, j1 = n;
    if (argI(10) == 0) {
      j0 = splitPoint(n, NR, t, parts);
      j1 = splitPoint(n, NR, t + 1, parts);
    } else {
      i0 = splitPoint(m, MR, t, parts);
      i1 = splitPoint(m, MR, t + 1, parts);
    }
    gemmRange(argI(0) != 0, argI(1) != 0, m, n, argI(4), argF(5), argI(6), argI(7), argF(8), argI(9), i0, i1, j0, j1);
  } else if (op == OP_BIAS_ACTIVATION) {
    const rows = argI(4);
    biasActivationRows(argI(0), argI(1), argI(2), argI(3), argI(5), splitPoint(rows, 1, t, parts), splitPoint(rows, 1, t + 1, parts));
  } else if (op == OP_ACTIVATION_BACKWARD) {
    const n = argI(4);
    activationBackwardRange(argI(0), argI(1), argI(2), argI(3), splitPoint(n, 4, t, parts), splitPoint(n, 4, t + 1, parts));
  }
}

/** Publishes the job (arguments already in the control block) to the workers. */
function dispatch(op: i32): i32 {
  store<i32>(ctrl + OP, op);
  const seq = atomic.load<i32>(ctrl + SEQ) + 1;
  atomic.store<i32>(ctrl + SEQ, seq);
  atomic.notify(ctrl + SEQ, threadCount - 1);
  return seq;
}

// status codes returned by the entry points
// @ts-ignore: decorator
@inline const DONE: i32 = 0;
// @ts-ignore: decorator
@inline const FAILED: i32 = 1;
// @ts-ignore: decorator
@inline const PENDING: i32 = 2;

/** The job the caller waits for, and the DONE word it waits on (for the JavaScript side). */
let pendingSeq: i32 = 0;
let pendingWord: usize = 0;

/**
 * Spins up to `spins` iterations per worker until every worker has finished job pendingSeq.
 * Returns DONE, FAILED (a worker trapped) or PENDING (still running: the JavaScript side blocks
 * in Atomics.wait on pendingWord, then calls joinPoll).
 */
function poll(spins: i32): i32 {
  for (let t = 1; t < threadCount; t++) {
    const done = ctrl + LINE * <usize>(t + 1);
    let n = 0;
    while (atomic.load<i32>(done) != pendingSeq) {
      if (atomic.load<i32>(ctrl + ERROR) != 0) return FAILED;
      if (n++ >= spins) {
        pendingWord = done;
        return PENDING;
      }
    }
  }
  return atomic.load<i32>(ctrl + ERROR) != 0 ? FAILED : DONE;
}

/** Runs job `op` on all threads (this one does part 0); returns a status (see poll). */
function runParallel(op: i32): i32 {
  pendingSeq = dispatch(op);
  runPart(op, 0);
  return poll(spinMain);
}

/** After an entry point returned PENDING: spins up to `spins` more; returns a status. */
export function joinPoll(spins: i32): i32 {
  return poll(spins);
}

/** Byte address of the DONE word the caller should block on after PENDING. */
export function pendingAddress(): usize {
  return pendingWord;
}

/** The value that DONE word takes when the pending job is finished. */
export function pendingValue(): i32 {
  return pendingSeq;
}

/**
 * C ← alpha·op(A)·op(B) + beta·C (byte pointers; see Backend.gemm). Returns DONE, FAILED or
 * PENDING (see poll).
 */
export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
): i32 {
  const parts = threadCount;
  if (parts > 1 && 2.0 * <f64>m * <f64>n * <f64>k >= minParallelFlops) {
    let mode = -1;
    if (n >= 2 * NR * parts) mode = 0; // split the columns of C
    else if (m >= 2 * MR * parts) mode = 1; // few columns: split the rows
    if (mode >= 0) {
      setI(0, transA ? 1 : 0); setI(1, transB ? 1 : 0); setI(2, m); setI(3, n); setI(4, k);
      setF(5, alpha); setI(6, <i32>a); setI(7, <i32>b); setF(8, beta); setI(9, <i32>c); setI(10, mode);
      return runParallel(OP_GEMM);
    }
  }
  gemmRange(transA, transB, m, n, k, alpha, a, b, beta, c, 0, m, 0, n);
  return DONE;
}

/** s ← s + bias (per row), z ← f(s) for a rows×cols matrix (see Backend.biasActivation). */
export function biasActivation(act: i32, s: usize, bias: usize, z: usize, rows: i32, cols: i32): i32 {
  if (threadCount > 1 && rows >= threadCount && rows * cols >= minParallelElements) {
    setI(0, act); setI(1, <i32>s); setI(2, <i32>bias); setI(3, <i32>z); setI(4, rows); setI(5, cols);
    return runParallel(OP_BIAS_ACTIVATION);
  }
  biasActivationRows(act, s, bias, z, cols, 0, rows);
  return DONE;
}

/** gs[i] ← gz[i]·f′(s[i]) for i < n (see Backend.activationBackward). */
export function activationBackward(act: i32, s: usize, gz: usize, gs: usize, n: i32): i32 {
  if (threadCount > 1 && n >= minParallelElements) {
    setI(0, act); setI(1, <i32>s); setI(2, <i32>gz); setI(3, <i32>gs); setI(4, n);
    return runParallel(OP_ACTIVATION_BACKWARD);
  }
  activationBackwardRange(act, s, gz, gs, 0, n);
  return DONE;
}

/** Asks every worker to stop (workerPoll returns 2; its JavaScript loop ends). */
export function stopWorkers(): void {
  dispatch(OP_QUIT);
}

let seen: i32 = 0;

/**
 * One turn of a worker's loop, called repeatedly by the worker's JavaScript (./worker-body.js):
 * spins up to spinWorker iterations for a job newer than the last one seen, runs its part and
 * marks it done. Returns 1 after running a job, 2 when asked to quit, 0 when nothing came: the
 * JavaScript side then blocks in Atomics.wait on SEQ while it equals workerSeen(). (Blocking in
 * memory.atomic.wait32 inside wasm instead missed wake-ups on Node 20's V8 and kept the process
 * from exiting, so every blocking wait is done in JavaScript.)
 */
export function workerPoll(): i32 {
  let seq = atomic.load<i32>(ctrl + SEQ);
  for (let spins = 0; seq == seen; spins++) {
    if (spins >= spinWorker) return 0;
    seq = atomic.load<i32>(ctrl + SEQ);
  }
  seen = seq;
  const op = load<i32>(ctrl + OP);
  if (op == OP_QUIT) return 2;
  runPart(op, threadIndex);
  const done = ctrl + LINE * <usize>(threadIndex + 1);
  atomic.store<i32>(done, seq);
  atomic.notify(done, 1);
  return 1;
}

/** The last job sequence number this worker has seen (what SEQ holds while there is no job). */
export function workerSeen(): i32 {
  return seen;
}

/**
 * Called by a worker's JavaScript when workerPoll trapped: raises ERROR and marks the current job
 * done, so that the caller stops waiting and reports the failure.
 */
export function workerFailed(): void {
  atomic.store<i32>(ctrl + ERROR, 1);
  const done = ctrl + LINE * <usize>(threadIndex + 1);
  atomic.store<i32>(done, atomic.load<i32>(ctrl + SEQ));
  atomic.notify(done, 1);
}
