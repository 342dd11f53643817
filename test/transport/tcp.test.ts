import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DisconnectedError } from '../../src/errors.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { collectReceived, testTransport, type Peer } from './contract.js';

interface LoopbackServer {
  port: number;
  nextPeer(): Promise<Peer>;
  nextSocket(): Promise<net.Socket>;
  close(): Promise<void>;
}

async function startServer(): Promise<LoopbackServer> {
  const unclaimed: net.Socket[] = [];
  const waiting: Array<(socket: net.Socket) => void> = [];
  const all = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    all.add(socket);
    socket.on('close', () => all.delete(socket));
    socket.on('error', () => {});
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else unclaimed.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const nextSocket = () =>
    new Promise<net.Socket>((resolve) => {
      const socket = unclaimed.shift();
      if (socket) resolve(socket);
      else waiting.push(resolve);
    });
  return {
    port: (server.address() as net.AddressInfo).port,
    nextSocket,
    async nextPeer() {
      const socket = await nextSocket();
      return socketPeer(socket);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of all) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function socketPeer(socket: net.Socket): Peer {
  return {
    waitForBytes: collectReceived((onChunk) => socket.on('data', onChunk)),
    send: (bytes) => new Promise<void>((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve()))),
    pauseReading: () => socket.pause(),
    resumeReading: () => socket.resume(),
    drop: async () => {
      socket.destroy();
    },
  };
}

testTransport('tcp', async () => {
  const server = await startServer();
  return {
    transport: new TcpTransport({ host: '127.0.0.1', port: server.port }),
    backpressureBytes: 16 * 1024 * 1024,
    peer: () => server.nextPeer(),
    cleanup: () => server.close(),
  };
});

describe('TcpTransport', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('maps a refused connection to DisconnectedError naming host:port', async () => {
    const server = await startServer();
    const port = server.port;
    await server.close();
    const transport = new TcpTransport({ host: '127.0.0.1', port });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect((error as Error).message).toContain(`tcp://127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/refused/);
    expect(transport.isOpen).toBe(false);
  });

  it('times out a connect that never completes', async () => {
    let created: net.Socket | undefined;
    const transport = new TcpTransport({
      host: '192.0.2.1',
      port: 9100,
      openTimeoutMs: 50,
      // A socket that never connects stands in for a black-holed address.
      connect: () => {
        created = new net.Socket();
        return created;
      },
    });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DisconnectedError);
    expect((error as Error).message).toBe('tcp://192.0.2.1:9100: connect timed out after 50 ms');
    expect(created?.destroyed).toBe(true);
  });

  it('reports a connection reset by the printer', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const transport = new TcpTransport({ host: '127.0.0.1', port: server.port });
    cleanups.push(() => transport.close());
    await transport.open();
    const socket = await server.nextSocket();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    socket.resetAndDestroy();
    const error = await closed;
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(error?.message).toMatch(/reset by the printer|closed the connection/);
  });

  it('sets keep-alive and no-delay on the socket', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    let options: net.NetConnectOpts | undefined;
    const transport = new TcpTransport({
      host: '127.0.0.1',
      port: server.port,
      connect: (opts) => {
        options = opts;
        return net.connect(opts);
      },
    });
    cleanups.push(() => transport.close());
    await transport.open();
    expect(options).toMatchObject({ noDelay: true, keepAlive: true });
  });

  it('close() during open() leaves the transport closed', async () => {
    const server = await startServer();
    cleanups.push(() => server.close());
    const transport = new TcpTransport({ host: '127.0.0.1', port: server.port });
    const opening = transport.open();
    await transport.close();
    await opening;
    expect(transport.isOpen).toBe(false);
    await expect(transport.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DisconnectedError);
  });
});
