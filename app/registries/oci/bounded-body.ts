/** Thrown when a registry response body is larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`response body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads at most `limit` bytes of a body; a larger body is abandoned (never buffered whole). */
export async function readBoundedBody(body: AsyncIterable<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) break;
      total += value.byteLength;
      if (total > limit) throw new BodyTooLargeError(limit);
      chunks.push(Buffer.from(value));
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined);
    throw error;
  }
  return Buffer.concat(chunks, total);
}

/** Drains nothing: tells the stream we will not read it, so the connection can be reused or closed. */
export async function discardBody(body: AsyncIterable<Uint8Array> | null): Promise<void> {
  if (!body) return;
  const iterator = body[Symbol.asyncIterator]();
  await iterator.return?.().catch(() => undefined);
}
