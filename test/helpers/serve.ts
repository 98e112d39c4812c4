/**
 * Shared helpers of the dashboard server's tests: a real record made by a real `glorot train`, an
 * HTTP client that returns status, headers and body, and a server-sent-events client.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `glorot` command of this checkout. */
export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'glorot.js');

/** A fresh temporary directory. */
export function tempDir(prefix = 'glorot-serve-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The flags of a tiny training run: 2 hidden layers of 8 units, a few seconds on any backend. */
export function tinyTrainFlags(updates: number, probeInterval: number): string[] {
  return [
    'train', '--depth', '2', '--width', '8', '--updates', String(updates), '--probe-interval', String(probeInterval),
    '--probe-size', '20', '--validation-size', '50', '--test-size', '50', '--jacobian-examples', '2', '--backend', 'reference',
  ];
}

/**
 * Trains a tiny run into `outDir` with the real CLI and waits for it.
 * @returns the run id.
 */
export function trainTiny(outDir: string, runId: string, extra: readonly string[] = []): string {
  const r = spawnSync(process.execPath, [BIN, ...tinyTrainFlags(40, 10), '--out', outDir, '--run-id', runId, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`glorot train failed (${r.status}): ${r.stderr}`);
  return runId;
}

/** Starts a tiny training run in the background. */
export function spawnTrain(outDir: string, runId: string, updates: number, probeInterval: number): ChildProcess {
  return spawn(process.execPath, [BIN, ...tinyTrainFlags(updates, probeInterval), '--out', outDir, '--run-id', runId], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** An HTTP response with its body as text. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One raw HTTP request (the path is sent exactly as given: no normalisation of `..` or `%2f`).
 * @param base `http://127.0.0.1:port/`.
 */
export function get(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET and parse JSON, asserting a 200. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  const r = await get(base, path);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as T;
}

/** One received server-sent event. */
export interface Received {
  readonly id: string | null;
  readonly event: string;
  readonly data: unknown;
}

/** A server-sent-events client over node:http. */
export interface SseClient {
  readonly events: Received[];
  readonly headers: Promise<IncomingHttpHeaders>;
  /** Resolves with the first event (from `from` on) that satisfies `pred`; rejects after `ms`. */
  waitFor(pred: (e: Received) => boolean, ms: number, from?: number): Promise<Received>;
  close(): void;
}

/** Opens `/api/events` (plus `query`) with optional request headers (e.g. Last-Event-ID). */
export function openEvents(base: string, query = '', headers: Record<string, string> = {}): SseClient {
  const u = new URL(base);
  const events: Received[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let resolveHeaders!: (h: IncomingHttpHeaders) => void;
  const headersP = new Promise<IncomingHttpHeaders>((r) => (resolveHeaders = r));
  const req = request({ host: u.hostname, port: u.port, path: `/api/events${query}`, headers }, (res) => {
    resolveHeaders(res.headers);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: string | null = null;
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('id: ')) id = line.slice(4);
          else if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join('\n')) });
      }
      for (const w of waiters) w();
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    events,
    headers: headersP,
    waitFor(pred, ms, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const e = events.slice(from).find(pred);
          if (e === undefined) return false;
          waiters.delete(w);
          clearTimeout(timer);
          resolve(e);
          return true;
        };
        const w = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`no matching event within ${ms} ms; got ${JSON.stringify(events.map((e) => e.event))}`));
        }, ms);
        waiters.add(w);
        check();
      });
    },
    close() {
      req.destroy();
    },
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
