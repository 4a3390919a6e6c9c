// Attack helpers: a throw-away PostgreSQL cluster, a hostile loopback TCP proxy, leak scanning.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import util from "node:util";

const BIN = "/usr/lib/postgresql/15/bin";

export interface Cluster {
  port: number;
  url: string;
  start(): void;
  stopImmediate(): void;
  destroy(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export async function createCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "atk-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const log = join(dir, "log");
  execFileSync("chown", ["postgres", dir]);
  execFileSync("runuser", ["-u", "postgres", "--", `${BIN}/initdb`, "-D", data, "--auth=trust", "-U", "postgres", "--no-sync"], {
    stdio: "ignore",
    timeout: 60_000,
  });
  const port = await freePort();
  const pgctl = (...args: string[]) =>
    spawnSync("runuser", ["-u", "postgres", "--", `${BIN}/pg_ctl`, "-D", data, ...args], { stdio: "ignore", timeout: 30_000 });
  const c: Cluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      pgctl("-o", `-p ${port} -k /tmp -c fsync=off -c shared_buffers=16MB -c max_connections=60`, "-l", log, "-w", "-t", "30", "start");
    },
    stopImmediate() {
      pgctl("stop", "-m", "immediate", "-w", "-t", "20");
    },
    destroy() {
      pgctl("stop", "-m", "immediate", "-w", "-t", "20");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  c.start();
  return c;
}

type Mode = "pass" | "freeze" | "blackhole";

/** A loopback TCP proxy that can freeze, cut, silently drop, or swallow a COMMIT answer. */
export class HostileProxy {
  port = 0;
  mode: Mode = "pass";
  #server: net.Server;
  #pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  #killOnCommit = 0;
  commitsSwallowed = 0;
  /** Swallow every query message (simple or extended) while true; the handshake still passes. */
  stallQueries = false;
  connections = 0;

  constructor(
    readonly targetPort: number,
    readonly targetHost = "127.0.0.1",
  ) {
    this.#server = net.createServer((client) => this.#accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", () => r()));
    this.port = (this.#server.address() as net.AddressInfo).port;
    return this.port;
  }

  url(extra = ""): string {
    return `postgres://postgres${extra}@127.0.0.1:${this.port}/postgres`;
  }

  #all = new Set<net.Socket>();

  #accept(client: net.Socket) {
    this.connections++;
    this.#all.add(client);
    client.on("close", () => this.#all.delete(client));
    client.on("error", () => {});
    if (this.mode !== "pass") {
      // frozen: accept and say nothing
      const t = setTimeout(() => client.destroy(), 120_000);
      t.unref();
      client.on("close", () => clearTimeout(t));
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    upstream.on("error", () => client.destroy());
    const pair = { client, upstream, dead: false };
    this.#pairs.add(pair);
    client.on("close", () => {
      upstream.destroy();
      this.#pairs.delete(pair);
    });
    upstream.on("close", () => client.destroy());
    client.on("data", (d) => {
      if (this.stallQueries && (d[0] === 0x51 || d[0] === 0x50)) {
        // a pooler that lets the handshake through and then stops forwarding queries
        pair.dead = false;
        return;
      }
      if (pair.dead) {
        // a pooler that forgot this connection: reset on the next byte
        client.resetAndDestroy();
        return;
      }
      if (this.mode === "pass") upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (pair.dead || this.mode !== "pass") return;
      if (this.#killOnCommit > 0 && d.includes(COMMIT_COMPLETE)) {
        this.#killOnCommit--;
        this.commitsSwallowed++;
        // the server committed; the client never hears it
        upstream.destroy();
        client.resetAndDestroy();
        return;
      }
      client.write(d);
    });
  }

  freeze() {
    this.mode = "freeze";
  }
  thaw() {
    this.mode = "pass";
  }
  /** Cut every open connection with a reset. */
  cut() {
    for (const p of this.#pairs) {
      p.client.resetAndDestroy();
      p.upstream.destroy();
    }
  }
  /** Silently forget every open connection (no FIN/RST until the client speaks again). */
  dropSilently() {
    for (const p of this.#pairs) {
      p.dead = true;
      p.upstream.destroy();
    }
  }
  killNextCommits(n = 1) {
    this.#killOnCommit = n;
  }

  async close() {
    this.cut();
    for (const s of this.#all) s.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

const COMMIT_COMPLETE = Buffer.concat([Buffer.from("C"), Buffer.from([0, 0, 0, 11]), Buffer.from("COMMIT\0")]);

/** Every rendering of an error an operator could log. */
export function renderings(e: unknown): string {
  const parts: string[] = [];
  let c: unknown = e;
  for (let i = 0; c && i < 12; i++) {
    const x = c as { message?: unknown; stack?: unknown; cause?: unknown };
    parts.push(String(x.message), String(x.stack));
    c = x.cause;
  }
  try {
    parts.push(JSON.stringify(e));
  } catch (err) {
    parts.push(`JSON.stringify threw ${String(err)}`);
  }
  parts.push(util.inspect(e, { depth: Infinity, showHidden: true }));
  parts.push(util.inspect(e));
  parts.push(String(e));
  return parts.join("\n");
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Races `p` against a deadline; a hang becomes a visible failure, not a stuck suite. */
export async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new Error(`HANG: ${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}
