/**
 * `/api/events`: one server-sent-events stream per page. A client that reconnects sends
 * `Last-Event-ID` (browsers do it by themselves) and receives every event after it from the
 * monitor's buffer, or one `reset` when the buffer no longer holds them. A page may also open the
 * stream with `?lastEventId=N`, N being the `X-Glorot-Event-Id` header of the API response it loaded
 * first, so that nothing between its first load and its stream is lost; the header wins over the
 * query when both are present (a reconnect carries the newer id in the header).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveMonitor, SequencedEvent } from './live.ts';
import { sseFrame } from './live.ts';

/** Settings of the event streams. */
export interface StreamOptions {
  /** A comment line is sent this often (ms) so that idle connections stay open and dead ones are found (default 15000). */
  readonly heartbeatMs?: number;
  /** At most this many streams at once; more are refused with 503 (default 64). */
  readonly maxStreams?: number;
}

/** A client that has not read this many bytes of its stream is dropped (it reconnects and resumes). */
const MAX_BACKLOG_BYTES = 8 << 20;

/** Parses an event id as the client sent it; NaN when it is not an integer. */
function parseId(text: string | undefined | null): number {
  return text !== undefined && text !== null && /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/** The open streams of a server. */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();
  private readonly heartbeatMs: number;
  private readonly maxStreams: number;

  /** @param monitor where the events come from. */
  constructor(
    private readonly monitor: LiveMonitor,
    options: StreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15000;
    this.maxStreams = options.maxStreams ?? 64;
  }

  /** How many streams are open. */
  get count(): number {
    return this.open.size;
  }

  /**
   * Serves one stream: the headers, the missed events (or a `reset`), then every new event until the
   * client goes away. `headers` are added to the response's own (the server's common headers).
   * @returns false when refused (too many streams): the caller answers 503.
   */
  serve(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, headers: Readonly<Record<string, string>>): boolean {
    if (this.open.size >= this.maxStreams) return false;
    this.monitor.tick();
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const header = req.headers['last-event-id'];
    const asked = parseId(typeof header === 'string' && header.trim() !== '' ? header : query.get('lastEventId'));
    const given = typeof header === 'string' && header.trim() !== '' ? true : query.has('lastEventId');
    if (given) {
      const missed = this.monitor.since(asked);
      if (missed === null) res.write(sseFrame(this.monitor.lastId, { type: 'reset' }));
      else for (const e of missed) res.write(e.frame);
    }
    const send = (e: SequencedEvent): void => {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        res.destroy();
        return;
      }
      res.write(e.frame);
    };
    const unsubscribe = this.monitor.subscribe(send);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), this.heartbeatMs);
    this.open.add(res);
    const done = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    res.on('close', done);
    res.on('error', done);
    return true;
  }

  /** Ends every open stream (the server is closing). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
