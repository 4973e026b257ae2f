import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { EngineConnection } from '../engine/engine-connection.ts';
import { demuxAll } from './demux.ts';

export interface LogDownloadOptions {
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tail: number;
  readonly since: number;
  readonly timestamps: boolean;
}

/** TCP keepalive of a followed log's socket: the kernel notices a peer that is gone for good. */
const FOLLOW_KEEPALIVE_MS = 30_000;

/** The log text of a container (stdout and stderr interleaved as the engine stored them), within the watcher's TIMEOUT (tail is bounded). */
export async function readLogText(engine: EngineConnection, id: string, options: LogDownloadOptions): Promise<string> {
  return engine.call(async (docker) => {
    const container = docker.getContainer(id);
    const info = await container.inspect();
    if (!options.stdout && !options.stderr) return '';
    const raw = (await container.logs({
      follow: false,
      stdout: options.stdout,
      stderr: options.stderr,
      tail: options.tail,
      since: options.since,
      timestamps: options.timestamps,
    })) as unknown as Buffer;
    const frames = demuxAll(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)), info.Config.Tty === true);
    return Buffer.concat(frames.map((f) => f.payload)).toString('utf8');
  });
}

export interface LogStreamTarget {
  /** The engine's raw log stream (multiplexed unless TTY). */
  readonly stream: Readable;
  readonly tty: boolean;
  readonly running: boolean;
}

/**
 * Opens the engine's log stream (following, or a one-shot read) with timestamps (the WebSocket
 * frames carry them in `ts`). Opening is bounded by the watcher's TIMEOUT; a followed stream is
 * then the socket's to close (a quiet container legitimately sends nothing for hours).
 */
export async function openLogStream(
  engine: EngineConnection,
  id: string,
  options: { stdout: boolean; stderr: boolean; tail: number; since: number; follow: boolean },
): Promise<LogStreamTarget> {
  return engine.call(async (docker) => {
    const container = docker.getContainer(id);
    const info = await container.inspect();
    const running = info.State.Running === true;
    if (!options.follow) {
      const raw = (await container.logs({ ...options, follow: false, timestamps: true })) as unknown as Buffer;
      return { stream: Readable.from([Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))]), tty: info.Config.Tty === true, running };
    }
    const stream = (await container.logs({
      follow: true,
      stdout: options.stdout,
      stderr: options.stderr,
      tail: options.tail,
      since: options.since,
      timestamps: true,
    } as unknown as { follow: true })) as unknown as Readable & { socket?: Socket | null };
    // Unix sockets have no keepalive; TCP and TLS (to an engine or an agent) do.
    if (!engine.endpoint.startsWith('unix://')) stream.socket?.setKeepAlive(true, FOLLOW_KEEPALIVE_MS);
    return { stream, tty: info.Config.Tty === true, running };
  });
}
