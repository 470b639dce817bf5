import { createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP server speaking just enough of the PostgreSQL protocol to refuse a login the way a real
 * server with password authentication does: it asks for a cleartext password, then answers
 * `FATAL 28P01 password authentication failed`. The project's own server trusts every local
 * connection (pg_hba `trust`), so it cannot produce this error itself.
 */
export interface FakeServer {
  port: number;
  /** The passwords clients sent, in order. */
  passwords: string[];
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function errorResponse(fields: Record<string, string>): Buffer {
  const parts = Object.entries(fields).map(([k, v]) => Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from(v, 'utf8'), Buffer.from([0])]));
  return message('E', Buffer.concat([...parts, Buffer.from([0])]));
}

export async function fakeServer(): Promise<FakeServer> {
  const passwords: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!started) {
        if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
        const length = buffer.readInt32BE(0);
        const user = /user\0([^\0]*)/.exec(buffer.subarray(8, length).toString('utf8'))?.[1] ?? '';
        buffer = buffer.subarray(length);
        started = true;
        (socket as Socket & { user?: string }).user = user;
        const ask = Buffer.alloc(4);
        ask.writeInt32BE(3); // AuthenticationCleartextPassword
        socket.write(message('R', ask));
        return;
      }
      if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
      const length = buffer.readInt32BE(1);
      if (buffer.toString('latin1', 0, 1) === 'p') passwords.push(buffer.subarray(5, 1 + length - 1).toString('utf8'));
      buffer = buffer.subarray(1 + length);
      const user = (socket as Socket & { user?: string }).user ?? '';
      socket.end(
        errorResponse({
          S: 'FATAL',
          V: 'FATAL',
          C: '28P01',
          M: `password authentication failed for user "${user}"`,
          R: 'auth_failed',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake server has no port');
  return {
    port: address.port,
    passwords,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
