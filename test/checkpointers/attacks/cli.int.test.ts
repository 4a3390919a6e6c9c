// Attacks on `firebreak prune`: exit codes 0/1/2 and never printing a password.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PW = "CronS3cretPw";
const SHARED = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `atk_cli_${process.pid}`;

function prune(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const e = { ...process.env, ...env };
    delete e.DATABASE_URL;
    if (env.DATABASE_URL) e.DATABASE_URL = env.DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "prune", ...args], { cwd: ROOT, env: e });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const t = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

afterAll(async () => {
  const c = new pg.Client(SHARED);
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

describe("firebreak prune", () => {
  const bad = `postgres://u:${PW}@127.0.0.1:1/db`;
  it("database failure: exit 1, names host:port, no password (user:password@, ?password=, DATABASE_URL)", async () => {
    const rs = await Promise.all([
      prune(["--url", bad, "--keep-last", "5"]),
      prune(["--url", `postgres://u@127.0.0.1:1/db?password=${PW}`, "--keep-last", "5", "--json"]),
      prune(["--keep-last", "5"], { DATABASE_URL: bad }),
      prune(["--url", "postgres://u@127.0.0.1:1/db", "--keep-last", "5"], { PGPASSWORD: PW }),
    ]);
    for (const r of rs) {
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain("127.0.0.1:1");
      expect(r.out).not.toContain(PW);
    }
  });
  it("usage errors exit 2", async () => {
    const rs = await Promise.all([
      prune(["--url", bad]),
      prune(["--url", bad, "--keep-last", "0"]),
      prune(["--url", bad, "--idle-ttl", "30x"]),
      prune(["--url", bad, "--keep-last", "1", "--embedded"]),
    ]);
    for (const r of rs) {
      expect(r.code, r.out).toBe(2);
      expect(r.out).not.toContain(PW);
    }
  });
  it("--idle-ttl 30d (above 2^31-1 ms) works: exit 0", async () => {
    const r = await prune(["--url", SHARED, "--schema", schema, "--idle-ttl", "30d", "--keep-last", "50"]);
    expect(r.code, r.out).toBe(0);
  });
  // An operator who forgets `--url` (or puts the URL after the wrong flag) gets the password echoed back.
  it("a URL given as a positional argument (forgotten --url): usage error without the password", async () => {
    const r = await prune([bad, "--keep-last", "5"]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain(PW);
  });
  it("a URL given to --keep-last (flag value slipped): usage error without the password", async () => {
    const r = await prune(["--keep-last", bad]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain(PW);
  });
  it("a URL given to --idle-ttl: usage error without the password", async () => {
    const r = await prune(["--idle-ttl", bad]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain(PW);
  });
  it("a URL given to --schema: usage error without the password", async () => {
    const r = await prune(["--url", bad, "--keep-last", "1", "--schema", bad]);
    expect(r.code).toBe(2);
    expect(r.out).not.toContain(PW);
  });
});
