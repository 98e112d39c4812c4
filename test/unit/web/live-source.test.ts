/**
 * The live source's stream (web/src/data/live.ts) against a fake fetch and EventSource in Node: the
 * one EventSource opens only after the first API answer and resumes from that answer's
 * `X-Glorot-Event-Id` (no gap between the first reads and the stream, api.ts); a stream the server
 * closed for good is reopened from the last event received; `unavailable` and `reset` move the
 * connection state; every event type of the API reaches the listeners.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { LiveEvent } from '../../../src/serve/api.ts';
import { LiveSource } from '../../../web/src/data/live.ts';
import type { ConnectionState } from '../../../web/src/data/source.ts';

type Handler = (e: { data?: string; lastEventId?: string }) => void;

/** A stand-in for the browser's EventSource: records its URL, lets the test fire events. */
class FakeEventSource {
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];
  readyState = 0;
  private readonly handlers = new Map<string, Handler[]>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(type: string, h: Handler): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), h]);
  }
  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }
  fire(type: string, data?: unknown, id = ''): void {
    for (const h of this.handlers.get(type) ?? []) h({ data: data === undefined ? undefined : JSON.stringify(data), lastEventId: id });
  }
}

const realFetch = globalThis.fetch;
let eventId = '1000';
beforeEach(() => {
  FakeEventSource.opened = [];
  (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
  globalThis.fetch = (async () => new Response('[]', { headers: { 'content-type': 'application/json', 'x-glorot-event-id': eventId } })) as typeof fetch;
});
afterEach(() => {
  globalThis.fetch = realFetch;
  delete (globalThis as { EventSource?: unknown }).EventSource;
});

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('the stream opens after the first answer, from that answer\'s event id, and only once', async () => {
  const src = new LiveSource('.');
  const events: LiveEvent[] = [];
  src.subscribe((e) => events.push(e));
  src.subscribe(() => {});
  assert.equal(FakeEventSource.opened.length, 0, 'no stream before an answer says which event the data is at');
  eventId = '1234';
  await src.runs();
  eventId = '1300';
  await src.runs();
  assert.deepEqual(FakeEventSource.opened.map((e) => e.url), ['./api/events?lastEventId=1234']);
  const es = FakeEventSource.opened[0]!;
  es.fire('point', { runId: 'a', updates: 20 }, '1235');
  es.fire('run', { run: { id: 'a' } }, '1236');
  es.fire('removed', { runId: 'b' }, '1237');
  es.fire('reset', {}, '1238');
  assert.deepEqual(events.map((e) => e.type), ['point', 'run', 'removed', 'reset']);
  assert.deepEqual(events[0], { type: 'point', runId: 'a', updates: 20 });
});

test('a stream closed for good reopens from the last event received', async () => {
  const src = new LiveSource('.');
  const states: ConnectionState[] = [];
  src.onConnection((s) => states.push(s));
  src.subscribe(() => {});
  eventId = '50';
  await src.runs();
  const first = FakeEventSource.opened[0]!;
  first.fire('open');
  first.fire('point', { runId: 'a', updates: 1 }, '77');
  first.readyState = FakeEventSource.CLOSED;
  first.fire('error');
  assert.equal(states.at(-1), 'offline');
  await tick(2100);
  assert.equal(FakeEventSource.opened.length, 2);
  assert.equal(FakeEventSource.opened[1]!.url, './api/events?lastEventId=77');
  assert.deepEqual(states, ['connecting', 'live', 'offline', 'connecting']);
});

test('unavailable sets the state until the reset that follows', async () => {
  const src = new LiveSource('.');
  const states: ConnectionState[] = [];
  const events: LiveEvent[] = [];
  src.onConnection((s) => states.push(s));
  src.subscribe((e) => events.push(e));
  await src.job();
  const es = FakeEventSource.opened[0]!;
  es.fire('open');
  es.fire('unavailable', { error: '/out/glorot.sqlite: no such file' }, '9');
  assert.equal(states.at(-1), 'unavailable');
  assert.deepEqual(events.at(-1), { type: 'unavailable', error: '/out/glorot.sqlite: no such file' });
  es.fire('point', { runId: 'a', updates: 1 }, '10');
  assert.equal(states.at(-1), 'unavailable');
  es.fire('reset', {}, '11');
  assert.equal(states.at(-1), 'live');
});

test('without any answer the stream opens after 3 s, with no id', async () => {
  const src = new LiveSource('.');
  src.subscribe(() => {});
  await tick(3100);
  assert.deepEqual(FakeEventSource.opened.map((e) => e.url), ['./api/events']);
});
