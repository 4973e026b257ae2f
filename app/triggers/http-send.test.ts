import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { sendHttp } from './http-send.ts';

describe('sendHttp', () => {
  it('reads at most 64 KB of an answer, however much the receiver sends', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024).fill(120);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const fetch = (async () => new Response(endless, { status: 500 })) as typeof globalThis.fetch;
    const environment = { logger: pino({ level: 'silent' }), fetch, timeoutMs: 5000 };
    const error = (await sendHttp(environment, { url: 'http://127.0.0.1:9/hook', body: {} }, new AbortController().signal).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:9 answered 500: x{200}…$/);
    expect(pulled).toBeLessThan(1024 * 1024);
  });
});
