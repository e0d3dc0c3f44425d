// A TCP proxy in front of one or more server nodes, standing in for the network and for a load balancer:
// - `cut()` drops every connection and refuses new ones (the network is gone), `listen()` brings it back on the
//   same port;
// - `holdReplies()` stops forwarding what the server sends (its acknowledgements vanish while the module's
//   events still arrive and get stored), until `passReplies()` or the next `listen()`;
// - with several backends, each new connection goes to the first one that accepts it, in order (a load
//   balancer with failover: when node A dies, new connections land on node B).
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export class FailoverProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private holding = false;
  /** Which backend port each accepted connection went to, in order (for assertions). */
  readonly routed: number[] = [];
  port = 0;

  constructor(private backends: number[]) {}

  /** Replaces the list of backends (for connections made from now on). */
  setBackends(ports: number[]): void {
    this.backends = [...ports];
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((client) => this.accept(client));
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        const address = server.address();
        this.port = typeof address === 'object' && address ? address.port : this.port;
        this.server = server;
        this.holding = false;
        resolve(this.port);
      });
    });
  }

  /** Drops every connection and refuses new ones. */
  cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** From now on, bytes from the servers are swallowed (requests still go through), until `passReplies()`. */
  holdReplies(): void {
    this.holding = true;
  }

  passReplies(): void {
    this.holding = false;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket): void {
    this.track(client);
    // What the client sends before the backend accepted is kept and forwarded in order.
    const buffered: Buffer[] = [];
    client.on('data', (chunk: Buffer) => buffered.push(chunk));
    const tryBackend = (index: number) => {
      const port = this.backends[index];
      if (port === undefined || client.destroyed) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: '127.0.0.1', port });
      const onConnectError = () => {
        upstream.destroy();
        tryBackend(index + 1);
      };
      upstream.once('error', onConnectError);
      upstream.once('connect', () => {
        upstream.off('error', onConnectError);
        this.track(upstream);
        this.routed.push(port);
        client.removeAllListeners('data');
        for (const chunk of buffered) upstream.write(chunk);
        client.on('data', (chunk: Buffer) => upstream.write(chunk));
        upstream.on('data', (chunk: Buffer) => {
          if (!this.holding) client.write(chunk);
        });
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    tryBackend(0);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
}
