/**
 * Test helpers for the Redis circuit store: unique key prefixes on the shared Redis
 * (127.0.0.1:6379, never stopped), their cleanup, and throw-away `redis-server`s on spare
 * ports for outage tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** The shared Redis of this machine. */
export const SHARED_REDIS_URL = "redis://127.0.0.1:6379";

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `fbtest:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Escapes a prefix for `SCAN MATCH` (glob characters match themselves). */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** A plain client on the shared Redis (for inspecting and cleaning up). */
export function inspector(url = SHARED_REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Every key under `prefix`. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${globEscape(prefix)}*`, "COUNT", 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== "0");
  return out;
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteUnder(client: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.del(...keys);
  return keys.length;
}

/** A port nothing listens on right now. */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throw-away redis-server (no persistence) this test starts, kills and restarts. */
export interface ThrowawayRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILLs the server and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port. */
  restart(): Promise<void>;
  /** SIGSTOPs the server: connections stay open, nothing answers (a hung Redis). */
  freeze(): void;
  /** SIGCONTs a frozen server. */
  thaw(): void;
}

/** Starts `redis-server --port <spare> --save "" --appendonly no` and waits for PING. */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const port = await sparePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {}); // refused while the server starts: expected, retried below
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch (error) {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start: ${String(error)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const c = child!;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
    },
    restart: start,
    freeze: () => void child!.kill("SIGSTOP"),
    thaw: () => void child!.kill("SIGCONT"),
  };
}

/** Polls (real time: the state lives in Redis or another process) until `check` is true. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - started;
}
