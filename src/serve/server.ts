/**
 * `glorot serve`'s HTTP server (node:http; static files through `send`): the web app, the JSON API of
 * api.ts and the event stream, read-only, over one output directory's run record.
 *
 * Every response carries `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
 * require-corp` (cross-origin isolation, which the in-browser lab's SharedArrayBuffer needs), plus
 * `X-Content-Type-Options: nosniff` (JSON is never sniffed as HTML), and a Content-Security-Policy
 * (the web app's files: static.ts's APP_CSP; JSON: nothing at all). Only GET and HEAD are answered.
 * Bound to a loopback address (the default), the server also refuses requests whose Host header is
 * not a loopback name, so a web page cannot read the API through a DNS name rebound to 127.0.0.1.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, isIPv4, isIPv6 } from 'node:net';
import { sep } from 'node:path';
import send from 'send';
import type { ReadMode } from '../store/index.ts';
import type { JobView } from './api.ts';
import { HttpError } from './errors.ts';
import { coalesce, JsonChunks } from './json.ts';
import { JobCache } from './job.ts';
import { LiveMonitor, type LiveOptions } from './live.ts';
import { keepYoungGenerationSmall, MemoryKeeper } from './memory.ts';
import { isBrokenRecord, RecordSource } from './record.ts';
import { type ApiBackend, answerApi, parseTarget } from './routes.ts';
import { EventStreams, type StreamOptions } from './sse.ts';
import { APP_CSP, DEFAULT_WEB_DIR, errorPage, missingWebApp, OWN_PAGE_CSP, placeholderPage, resolveStatic } from './static.ts';

/** What {@link startServer} needs. */
export interface ServeOptions extends LiveOptions, StreamOptions {
  /** The output directory whose `glorot.sqlite` is served. */
  readonly outDir: string;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /** The web app's directory (default build/web/ of this package). */
  readonly webDir?: string;
}

/** A server that is listening. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>/`: where a browser on this machine opens it ({@link serverUrl}). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Why the web app is not served (not built: a sentence saying how to build it), or null; read at start. */
  readonly webAppMissing: string | null;
  /** How the record is read as the server starts (`immutable`: its directory cannot be written; src/store/open.ts). */
  readonly recordMode: ReadMode;
  /** The record's watcher (its `lastId`, for tests). */
  readonly monitor: LiveMonitor;
  /** Stops listening, ends the event streams and closes the record. */
  close(): Promise<void>;
}

/** The headers of every response. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Whether `host` is a loopback address or name (127.0.0.0/8 as a valid dotted address, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || (isIPv4(h) && h.startsWith('127.'));
}

/** Whether `host` is the unspecified address (0.0.0.0, ::): listening there is listening on every address of the machine. */
export function isUnspecifiedHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIPv4(h)) return h === '0.0.0.0';
  return isIPv6(h) && new URL(`http://[${h}]/`).hostname === '[::]';
}

/**
 * The URL a browser on this machine opens for a server listening on `host`:`port`. The unspecified
 * addresses (0.0.0.0, ::) are no address to connect to (a browser refuses or maps them
 * inconsistently), so their URL names the loopback address of the same family.
 */
export function serverUrl(host: string, port: number): string {
  const h = host.replace(/^\[|\]$/g, '');
  const shown = isUnspecifiedHost(h) ? (h.includes(':') ? '[::1]' : '127.0.0.1') : h.includes(':') ? `[${h}]` : h;
  return `http://${shown}:${port}/`;
}

/** The host part of a Host header (`[::1]:8080` → `::1`, `localhost:80` → `localhost`). */
function hostName(header: string): string {
  const m = /^\[([^\]]*)\](?::\d*)?$/.exec(header);
  return m !== null ? m[1]! : header.replace(/:\d*$/, '');
}

/** The headers of a JSON response. */
function jsonHeaders(extra: Record<string, string>): Record<string, string> {
  return {
    ...COMMON_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    ...extra,
  };
}

/** Counts what the server sends (see memory.ts). */
const memory = new MemoryKeeper();

/** Sends a JSON body (or only its headers, for HEAD). */
function sendJson(req: IncomingMessage, res: ServerResponse, status: number, payload: unknown, extra: Record<string, string> = {}): void {
  if (payload instanceof JsonChunks) {
    void streamJson(req, res, status, payload, extra);
    return;
  }
  const body = Buffer.from(JSON.stringify(payload));
  memory.note(body.length);
  res.writeHead(status, { ...jsonHeaders(extra), 'Content-Length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Resolves when `res` can take more data, or is closed (a client that went away). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Bytes gathered before a write while streaming a large JSON answer. */
const STREAM_PIECE = 64 << 10;

/** Sends a JSON answer made in chunks (chunked transfer), waiting for the socket to drain between pieces. */
async function streamJson(req: IncomingMessage, res: ServerResponse, status: number, payload: JsonChunks, extra: Record<string, string>): Promise<void> {
  res.writeHead(status, jsonHeaders(extra));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  for (const piece of coalesce(payload.chunks(), STREAM_PIECE)) {
    memory.note(piece.length);
    if (!res.write(piece)) await drained(res);
    if (res.destroyed) return;
  }
  res.end();
}

/** Sends one of the server's own HTML pages. */
function sendPage(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': OWN_PAGE_CSP,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Starts serving `<outDir>/glorot.sqlite` read-only.
 * @throws RunStoreError naming the file when there is no readable run record there; Error naming the
 *   address when it cannot listen (port in use, address not available).
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  keepYoungGenerationSmall();
  const host = options.host ?? '127.0.0.1';
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const source = new RecordSource(options.outDir);
  let monitor: LiveMonitor;
  try {
    monitor = new LiveMonitor(source, options);
  } catch (e) {
    source.close();
    throw e;
  }
  const streams = new EventStreams(monitor, options);
  const jobs = new JobCache(options.outDir);
  const backend: ApiBackend = {
    store: () => source.get(),
    summaries: () => monitor.summaries(),
    lock: (id) => monitor.lock(id),
    job: (): JobView => jobs.get(source.get(), monitor.summaries()),
  };
  const checkHost = isLoopbackHost(host);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (checkHost && !isLoopbackHost(hostName(req.headers.host ?? ''))) {
      sendJson(req, res, 403, { error: 'this server answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(req, res, 405, { error: `method ${req.method ?? '?'} not allowed: the server is read-only`, subject: req.method ?? '' }, { Allow: 'GET, HEAD' });
      return;
    }
    try {
      const { segments, query } = parseTarget(req.url ?? '/');
      if (segments[0] === 'api') {
        if (segments.length === 2 && segments[1] === 'events') {
          if (req.method === 'HEAD') {
            res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
            res.end();
            return;
          }
          if (!streams.serve(req, res, query, COMMON_HEADERS)) throw new HttpError(503, 'too many event streams open; close some pages');
          return;
        }
        const payload = answerApi(backend, segments.slice(1), query);
        sendJson(req, res, 200, payload, { 'X-Glorot-Event-Id': String(monitor.lastId), 'X-Glorot-Record-Mode': source.mode ?? 'shared' });
        return;
      }
      serveFile(req, res, segments);
    } catch (e) {
      if (e instanceof HttpError) sendJson(req, res, e.status, e.body());
      else if (isBrokenRecord(e)) sendJson(req, res, 503, { error: source.fail(e), subject: source.file });
      else sendJson(req, res, 500, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  const serveFile = (req: IncomingMessage, res: ServerResponse, segments: string[]): void => {
    const wantsIndex = segments.length === 0 || (segments.length === 1 && (segments[0] === '' || segments[0] === 'index.html'));
    if (wantsIndex) {
      monitor.tick();
      if (source.error !== null) return sendPage(req, res, 503, errorPage(source.error));
      const missing = missingWebApp(webDir);
      if (missing !== null) return sendPage(req, res, 200, placeholderPage(missing));
    }
    const found = resolveStatic(webDir, segments);
    if (found === null) throw new HttpError(404, `not found: /${segments.join('/')}`, `/${segments.join('/')}`);
    for (const [k, v] of Object.entries(COMMON_HEADERS)) res.setHeader(k, v);
    res.setHeader('Content-Security-Policy', APP_CSP);
    if (wantsIndex) res.setHeader('Cache-Control', 'no-cache');
    send(req, found.file.split(sep).map(encodeURIComponent).join('/'), { root: found.root, index: false, dotfiles: 'deny' })
      .on('error', (err: { status?: number }) => {
        if (res.headersSent) res.destroy(); // failed mid-file: the client sees a cut response
        else sendJson(req, res, err.status ?? 500, { error: `cannot send /${segments.join('/')}` });
      })
      .pipe(res);
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      monitor.stop();
      source.close();
      const why = e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : e.message;
      reject(new Error(`cannot listen on ${host} port ${options.port ?? 0}: ${why}`));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  monitor.start();
  const port = (server.address() as AddressInfo).port;
  return {
    url: serverUrl(host, port),
    host,
    port,
    webAppMissing: missingWebApp(webDir),
    recordMode: source.mode ?? 'shared',
    monitor,
    close: async () => {
      monitor.stop();
      streams.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      source.close();
    },
  };
}
