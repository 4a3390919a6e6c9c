/**
 * A TCP proxy in front of a throw-away redis-server, one per store, so a test can partition one
 * store (a hang: bytes held both ways, the connections stay open) while the other stores and the
 * inspector still reach Redis. `heal()` delivers the held bytes in order.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

/** A pausable proxy. */
export interface PartitionProxy {
  readonly url: string;
  /** Holds every byte in both directions (the connections stay open). */
  partition(): void;
  /** Delivers the held bytes in order and forwards again. */
  heal(): void;
  /** Delays every chunk by `ms` in each direction from now on (order kept). */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly held: Buffer[];
}

/** Starts a proxy on a spare port forwarding to 127.0.0.1:`targetPort`. */
export async function startProxy(targetPort: number): Promise<PartitionProxy> {
  let paused = false;
  let latencyMs = 0;
  const forward = (to: Socket, chunk: Buffer) => {
    if (latencyMs === 0) return void to.write(chunk);
    setTimeout(() => void (to.destroyed || to.write(chunk)), latencyMs);
  };
  const pipes: Pipe[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      const pipe: Pipe = { from, to, held: [] };
      pipes.push(pipe);
      from.on("data", (chunk: Buffer) => (paused ? pipe.held.push(chunk) : forward(to, chunk)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    partition: () => void (paused = true),
    setLatency: (ms) => void (latencyMs = ms),
    heal() {
      paused = false;
      for (const p of pipes) for (const chunk of p.held.splice(0)) if (!p.to.destroyed) p.to.write(chunk);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
