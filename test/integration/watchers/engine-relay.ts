import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP endpoint forwarding to the local engine socket that can be taken down and brought
 * back on the same port: what the watcher sees when a remote engine restarts.
 */
export class EngineRelay {
  readonly port: number;
  #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #socketPath: string;

  private constructor(server: Server, port: number, socketPath: string) {
    this.#server = server;
    this.port = port;
    this.#socketPath = socketPath;
  }

  static async start(socketPath = '/var/run/docker.sock'): Promise<EngineRelay> {
    let relay: EngineRelay | undefined;
    const server = createServer((client) => relay?.forward(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    relay = new EngineRelay(server, typeof address === 'object' && address ? address.port : 0, socketPath);
    return relay;
  }

  /** The engine "goes away": open connections are cut and nothing listens until `up`. */
  async down(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async up(): Promise<void> {
    const server = createServer((client) => this.forward(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const engine = connect(this.#socketPath);
    this.#sockets.add(client);
    this.#sockets.add(engine);
    client.pipe(engine).pipe(client);
    const close = () => {
      client.destroy();
      engine.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(engine);
    };
    client.on('error', close);
    engine.on('error', close);
    client.on('close', close);
    engine.on('close', close);
  }
}
