/**
 * A JSON response produced in pieces, for the answers that can be megabytes (every histogram of a
 * run): the server sends it chunk by chunk as the socket drains and the snapshot writes it the same
 * way, so it is never one string in memory (which kept the server's peak memory high).
 */

/** A JSON value as a sequence of text chunks whose concatenation is the JSON text. */
export class JsonChunks {
  /** @param chunks makes the chunks, in order (called once per response). */
  constructor(readonly chunks: () => Iterable<string>) {}
}

/** The JSON array of `items`, one chunk per item (each serialised by JSON.stringify when its turn comes). */
export function jsonArray<T>(items: readonly T[], toJson: (item: T) => unknown): JsonChunks {
  return new JsonChunks(function* () {
    yield '[';
    for (let i = 0; i < items.length; i++) yield (i === 0 ? '' : ',') + JSON.stringify(toJson(items[i]!));
    yield ']';
  });
}

/** The JSON text of a payload, in chunks: a {@link JsonChunks} as it is, anything else as one chunk. */
export function* jsonText(payload: unknown): Generator<string> {
  if (payload instanceof JsonChunks) yield* payload.chunks();
  else yield JSON.stringify(payload);
}

/** The same text in pieces of at least `size` characters (fewer, larger writes). */
export function* coalesce(chunks: Iterable<string>, size: number): Generator<string> {
  let piece = '';
  for (const c of chunks) {
    piece += c;
    if (piece.length >= size) {
      yield piece;
      piece = '';
    }
  }
  if (piece !== '') yield piece;
}
