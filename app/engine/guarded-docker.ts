import { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { CallGuard, WatchedResponse } from './call-guard.ts';

type DialCallback = (error: unknown, data: unknown) => void;
interface DialOptions {
  abortSignal?: AbortSignal;
  [key: string]: unknown;
}
interface Dialer {
  dial(options: DialOptions, callback: DialCallback): unknown;
}

/**
 * A dockerode client for one call: every request it makes carries the call's abort signal (next
 * to any the code passed itself), and every answer counts as activity for an idle limit, a
 * streamed one for as long as bytes arrive. It shares the connection's modem (host, TLS, headers,
 * API version); only `dial` is wrapped, since every dockerode method goes through it.
 */
export function guardedDocker(docker: Docker, guard: CallGuard): Docker {
  const modem = docker.modem as unknown as Dialer;
  const scoped = Object.create(modem) as Dialer;
  scoped.dial = (options, callback) => {
    const own = options.abortSignal;
    const abortSignal = own ? AbortSignal.any([own, guard.signal]) : guard.signal;
    return modem.dial.call(scoped, { ...options, abortSignal }, (error, data) => {
      guard.activity();
      if (!error && data instanceof Readable) guard.watch(data as WatchedResponse);
      callback(error, data);
    });
  };
  return new Docker({ modem: scoped } as unknown as Docker.DockerOptions);
}
