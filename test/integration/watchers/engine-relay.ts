import { connect, createServer, type Server, type Socket } from 'node:net';

/** A unix socket path, or a port on 127.0.0.1. */
export type RelayTarget = string | { readonly port: number };

interface RelayedConnection {
  readonly client: Socket;
  engine: Socket | undefined;
  /** Black-holed: nothing passes any more in either direction, and nothing is closed. */
  dead: boolean;
}

/**
 * A loopback TCP endpoint forwarding to the local engine socket that can be taken down and brought
 * back on the same port (what the watcher sees when a remote engine restarts), or turned into a
 * black hole (what it sees when a NAT entry expires or the host vanishes: the connection stays
 * open, bytes stop, no FIN, no RST).
 */
export class EngineRelay {
  readonly port: number;
  #server: Server;
  readonly #connections = new Set<RelayedConnection>();
  readonly #target: RelayTarget;
  #newConnections: 'forward' | 'blackhole' = 'forward';
  #accepted = 0;

  private constructor(server: Server, port: number, target: RelayTarget) {
    this.#server = server;
    this.port = port;
    this.#target = target;
  }

  /** Relays to the engine socket, or to a loopback TCP port (a dockdeck agent). */
  static async start(target: RelayTarget = '/var/run/docker.sock'): Promise<EngineRelay> {
    let relay: EngineRelay | undefined;
    const server = createServer((client) => relay?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    relay = new EngineRelay(server, typeof address === 'object' && address ? address.port : 0, target);
    return relay;
  }

  /** Connections accepted so far (a client that tries to reconnect through a black hole shows here). */
  get accepted(): number {
    return this.#accepted;
  }

  /** Black-holed connections the client has not closed yet (a client that gives up on a call closes its socket). */
  get stuckConnections(): number {
    return [...this.#connections].filter((connection) => connection.dead && !connection.client.destroyed).length;
  }

  /** The engine "goes away": open connections are cut and nothing listens until `up`. */
  async down(): Promise<void> {
    for (const connection of this.#connections) this.#destroy(connection);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async up(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.#server = server;
  }

  /**
   * Every open connection stops carrying bytes, both ways, without being closed; with
   * `newConnections: 'blackhole'` (the default) connections accepted from now on never get an
   * answer either, with 'forward' they work (an expired NAT entry: new connections are fine).
   */
  blackhole(options: { newConnections?: 'forward' | 'blackhole' } = {}): void {
    this.#newConnections = options.newConnections ?? 'blackhole';
    for (const connection of this.#connections) this.#kill(connection);
  }

  /** New connections are forwarded again; the black-holed ones stay dead, as after a real outage. */
  restore(): void {
    this.#newConnections = 'forward';
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) this.#destroy(connection);
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.#accepted++;
    const connection: RelayedConnection = { client, engine: undefined, dead: false };
    this.#connections.add(connection);
    // A dead connection's client may still go away; that never reaches the engine.
    client.on('error', () => (connection.dead ? undefined : this.#destroy(connection)));
    client.on('close', () => (connection.dead ? this.#forget(connection) : this.#destroy(connection)));
    if (this.#newConnections === 'blackhole') {
      this.#kill(connection);
      return;
    }
    const engine = typeof this.#target === 'string' ? connect(this.#target) : connect(this.#target.port, '127.0.0.1');
    connection.engine = engine;
    client.pipe(engine).pipe(client);
    engine.on('error', () => (connection.dead ? undefined : this.#destroy(connection)));
    engine.on('close', () => (connection.dead ? undefined : this.#destroy(connection)));
  }

  #kill(connection: RelayedConnection): void {
    connection.dead = true;
    const { client, engine } = connection;
    if (engine) {
      client.unpipe(engine);
      engine.unpipe(client);
      engine.pause();
    }
    // What the client sends is dropped, not held: reading on is how its closing (FIN) is still seen.
    client.on('data', () => undefined);
    client.resume();
  }

  #destroy(connection: RelayedConnection): void {
    connection.client.destroy();
    connection.engine?.destroy();
    this.#connections.delete(connection);
  }

  /** The client closed a dead connection: keep the engine side open until the relay closes. */
  #forget(connection: RelayedConnection): void {
    connection.client.destroy();
  }
}
