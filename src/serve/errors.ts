/** The one error the server turns into a JSON error response ({@link ApiError}) with a status. */
import type { ApiError } from './api.ts';

/** A request the server refuses or cannot answer: its HTTP status and the {@link ApiError} body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  /**
   * @param status the HTTP status (4xx: the request's fault; 5xx: the server's or the record's).
   * @param message a sentence for people: what was asked, what was wrong, what exists.
   * @param subject the run id, tensor, name or path the request named, echoed as data.
   */
  constructor(
    readonly status: number,
    message: string,
    readonly subject?: string,
  ) {
    super(message);
  }

  /** The response body. */
  body(): ApiError {
    return this.subject === undefined ? { error: this.message } : { error: this.message, subject: this.subject };
  }
}
