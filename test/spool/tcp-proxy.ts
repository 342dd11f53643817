/**
 * A TCP proxy on 127.0.0.1 in front of the test PostgreSQL server, for cutting the network between
 * the store and the server: stop listening, cut every open connection, or cut the one connection
 * that next sends a given statement (mid-transaction), just before or just after it reaches the
 * server (after: the server may commit what the client never hears about).
 */
import net from 'node:net';

export interface StatementCut {
  /** Text the client's bytes must contain, e.g. `COMMIT` or a statement's first words. */
  statement: string;
  /** Cut before the bytes reach the server, or right after forwarding them. */
  when: 'before' | 'after';
}

export class CuttableProxy {
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | undefined;
  #armed: (StatementCut & { cut: () => void }) | undefined;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** The URL `url` with its host and port replaced by this proxy's. */
  urlThrough(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  async listen(port = 0): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.on('data', (chunk: Buffer) => this.#forward(chunk, client, upstream));
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  #forward(chunk: Buffer, client: net.Socket, upstream: net.Socket): void {
    const armed = this.#armed;
    const hit = armed !== undefined && chunk.includes(armed.statement);
    if (hit && armed.when === 'before') {
      this.#fire(client, upstream);
      return;
    }
    if (!upstream.destroyed) upstream.write(chunk);
    if (hit) this.#fire(client, upstream);
  }

  #fire(client: net.Socket, upstream: net.Socket): void {
    const armed = this.#armed!;
    this.#armed = undefined;
    // After forwarding: let the bytes leave this process before the cut.
    setImmediate(() => {
      client.destroy();
      upstream.destroy();
      armed.cut();
    });
  }

  /**
   * Cuts the next connection whose client sends `statement` (one at a time: a new call replaces an
   * armed cut). Resolves once it was cut; `disarm()` leaves it unresolved.
   */
  cutOn(cut: StatementCut): Promise<void> {
    return new Promise((resolve) => (this.#armed = { ...cut, cut: resolve }));
  }

  disarm(): void {
    this.#armed = undefined;
  }

  /** Cuts every open connection (the server sees its clients vanish mid-whatever). */
  cut(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.disarm();
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
