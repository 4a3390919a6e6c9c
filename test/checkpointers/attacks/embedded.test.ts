// Attacks on the embedded default: filesystem errors reported as what they are, the notice,
// recovery after a full disk, and a SIGKILL mid-run.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpointer, durableConfig } from "../../../checkpointers/index.js";
import { abcGraph } from "../support/abc-graph.js";
import { settle, within } from "./support.js";

const base = mkdtempSync(join(tmpdir(), "atk-emb-"));
const mounts: string[] = [];
const OPEN_CHILD = fileURLToPath(new URL("./fixtures/open-embedded-child.ts", import.meta.url));
const CHILD = fileURLToPath(new URL("./fixtures/embedded-run-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function tmpfs(name: string, opts: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", opts, "tmpfs", dir]);
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync("umount", ["-l", m]);
    } catch {
      /* already gone */
    }
  }
  rmSync(base, { recursive: true, force: true });
});

async function openFails(dataDir: string) {
  const r = await settle(within(60_000, createCheckpointer({ backend: "embedded", dataDir, log: () => {} }), "embedded open"));
  if (r.ok) await r.value.close();
  expect(r.ok).toBe(false);
  return (r as { error: any }).error;
}

describe("embedded data directory faults", () => {
  it("a path through a regular file is reported as not-found", async () => {
    writeFileSync(join(base, "a-file"), "x");
    const e = await openFails(join(base, "a-file", "db"));
    expect([e.code, e.reason]).toEqual(["CHECKPOINTER_SETUP", "not-found"]);
  });

  it("a data directory on a read-only filesystem is reported as read-only (not as a missing path)", async () => {
    const ro = tmpfs("ro", "ro,size=1m");
    const e = await openFails(join(ro, "db"));
    expect([e.code, e.reason]).toEqual(["CHECKPOINTER_SETUP", "read-only"]);
    expect(e.message).not.toMatch(/ENOENT|does not exist/);
  });

  // Node's recursive mkdir loops forever when mkdir answers ENOENT under an existing parent (procfs);
  // run in a child so a hang cannot take the test worker with it.
  it("a data directory under /proc is reported as a filesystem error, not an endless hang", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", OPEN_CHILD, "/proc/self/atk-db"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    const exited = await new Promise<boolean>((res) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
        res(false);
      }, 10_000);
      child.on("exit", () => {
        clearTimeout(t);
        res(true);
      });
    });
    expect(exited ? out.trim() : "HANG: createCheckpointer did not settle within 10 s").toMatch(/"code":"CHECKPOINTER_SETUP"/);
  });

  it("a full disk is reported as disk-full", async () => {
    const small = tmpfs("small", "size=2m");
    const e = await openFails(join(small, "db"));
    expect([e.code, e.reason]).toEqual(["CHECKPOINTER_SETUP", "disk-full"]);
  });
});

let crashDir = "";

describe("embedded default", () => {
  it("SIGKILL mid-run: data survives, a completed node never runs again; reopened with no URL at all it says where it writes", async () => {
    const dataDir = join(tmpfs("crashfs", "size=400m"), "crash");
    crashDir = dataDir;
    const thread = randomUUID();
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, dataDir, thread], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let childPid = 0;
    await within(
      60_000,
      new Promise<void>((res, rej) => {
        child.stdout!.on("data", (d) => {
          if (String(d).includes("START b")) res();
        });
        child.on("exit", () => rej(new Error("child exited early")));
      }),
      "child reaches b",
    );
    childPid = child.pid!;
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const mk = (n: string) => () => ({ log: [`${n}:${process.pid}`] });
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    const lines: string[] = [];
    let cp;
    try {
      cp = await within(60_000, createCheckpointer({ dataDir, log: (l) => lines.push(l) }), "reopen after SIGKILL");
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
    expect(cp.backend).toBe("embedded");
    expect(lines.join("\n")).toContain(dataDir);
    try {
      const graph = abcGraph(mk).compile({ checkpointer: cp.saver });
      const out = await graph.invoke(null, durableConfig(thread));
      expect(out.log).toEqual([`a:${childPid}`, `b:${process.pid}`, `c:${process.pid}`]);
    } finally {
      await cp.close();
    }
  });

  it("an existing database whose filesystem was remounted read-only is reported as read-only", async () => {
    expect(crashDir).not.toBe("");
    execFileSync("mount", ["-o", "remount,ro", join(crashDir, "..")]);
    const e = await openFails(crashDir);
    expect([e.code, e.reason]).toEqual(["CHECKPOINTER_SETUP", "read-only"]);
  });
});
