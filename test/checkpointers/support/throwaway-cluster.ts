/**
 * Test helper: a throw-away PostgreSQL 15 cluster of the test's own, on a spare loopback
 * port, run as the `postgres` OS user (initdb refuses root). The fault tests stop it with
 * `pg_ctl stop -m immediate`; the shared server on 5432 is never touched.
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

/** A running (or stopped) throw-away cluster. */
export interface ThrowawayCluster {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  readonly url: string;
  /** `pg_ctl stop -m immediate`: the server dies without a goodbye, like a crash. */
  stopImmediately(): Promise<void>;
  /** Starts it again on the same port and data directory (no-op when running). */
  start(): Promise<void>;
  /** Stops it (if running) and deletes its directory. Idempotent. */
  remove(): Promise<void>;
}

/** Why the cluster cannot run here, or `undefined` when it can. */
export function throwawayClusterUnavailable(): string | undefined {
  if (!existsSync(`${BIN}/initdb`)) return `no ${BIN}/initdb`;
  if (process.getuid?.() !== 0) return "needs root to run initdb as the postgres user";
  return undefined;
}

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const asPostgres = (command: string, args: string[]) =>
  run("runuser", ["-u", "postgres", "--", `${BIN}/${command}`, ...args], { timeout: 30_000 });

/** initdb + pg_ctl start on a spare port, in a temporary directory owned by `postgres`. */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const root = mkdtempSync(join(tmpdir(), "firebreak-pg-"));
  chownSync(root, ...(await postgresIds()));
  const data = join(root, "data");
  const port = await sparePort();
  let running = false;
  await asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const start = async () => {
    if (running) return;
    await asPostgres("pg_ctl", [
      "-D", data, "-l", join(root, "log"), "-w", "-t", "20",
      "-o", `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`,
      "start",
    ]);
    running = true;
  };
  const stopImmediately = async () => {
    if (!running) return;
    running = false;
    await asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "20", "stop"]);
  };
  await start();
  let removed: Promise<void> | undefined;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stopImmediately,
    start,
    remove: () =>
      (removed ??= (async () => {
        try {
          await stopImmediately();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      })()),
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return [Number(stdout.trim()), Number(gid.trim())];
}
