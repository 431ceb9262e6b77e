// Starting and stopping the local runtime's HTTP servers on loopback, without lingering keep-alive sockets.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(server: Server, port: number, host: string): Promise<number> {
  // The client closes idle keep-alive sockets, never the server: with Node's 5 s server-side timeout, a
  // server closing a socket just as an SDK client reuses it answers ECONNRESET ("socket hang up"), which
  // under load surfaced as a 500 from whichever handler's DynamoDB call drew that socket. close() below
  // still ends every connection at shutdown.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // SDK clients keep sockets alive; without this, close waits for them to time out.
    server.closeAllConnections();
  });
}

/** `http://127.0.0.1:3000` for a host and port, with IPv6 hosts bracketed. */
export const urlOf = (host: string, port: number): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
