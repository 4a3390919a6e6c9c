/**
 * Test helper: a loopback TCP proxy in front of a PostgreSQL server that can misbehave the
 * way networks and poolers do: `freeze()` keeps every socket open and forwards nothing (a
 * stalled network), `cut()` resets every connection, `dropIdle()` forgets the connections it
 * has (as a pooler or NAT does with idle ones) and resets each one only when its client next
 * writes, `heal()` forwards again. Bytes not forwarded while frozen are dropped.
 */
import { connect, createServer, type Socket } from "node:net";

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  freeze(): void;
  /** Forwards the client's bytes but holds every answer: the server commits, the client never hears. */
  freezeReplies(): void;
  heal(): void;
  cut(): void;
  dropIdle(): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
  dropped: boolean;
}

/** Starts a proxy on 127.0.0.1 (ephemeral port) to `targetPort` on 127.0.0.1. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let frozen = false;
  let repliesFrozen = false;
  let accepted = 0;
  const kill = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.resetAndDestroy();
    pair.upstream.destroy();
  };
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, "127.0.0.1");
    const pair: Pair = { client, upstream, dropped: false };
    pairs.add(pair);
    client.on("error", () => {});
    upstream.on("error", () => {});
    client.on("data", (data) => {
      if (pair.dropped) return kill(pair);
      if (!frozen) upstream.write(data);
    });
    upstream.on("data", (data) => {
      if (!frozen && !repliesFrozen && !pair.dropped) client.write(data);
    });
    client.on("close", () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on("close", () => {
      if (pair.dropped || frozen) return; // a frozen network does not tell the client anything
      pairs.delete(pair);
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address !== "object") throw new Error("proxy has no port");
  return {
    port: address.port,
    accepted: () => accepted,
    freeze: () => void (frozen = true),
    freezeReplies: () => void (repliesFrozen = true),
    heal: () => {
      frozen = false;
      repliesFrozen = false;
    },
    cut: () => {
      for (const pair of [...pairs]) kill(pair);
    },
    dropIdle: () => {
      for (const pair of pairs) {
        pair.dropped = true;
        pair.upstream.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of [...pairs]) kill(pair);
        server.close(() => resolve());
      }),
  };
}
