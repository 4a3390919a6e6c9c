/**
 * Attacks across a SIGKILL and a restart on real PostgreSQL (checkpointer and target table): repeated tool call ids
 * must get the same keys after the resume (nothing runs twice), and a recorded effect is run or undone by the latest
 * `effectTool` of its name in the new process; a missing one is a failed compensation or run naming it (docs/effects.md,
 * Limits). The child is fixtures/restart-child.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, uniqueName } from "../../support/backends.js";
import { runTsChild, waitForLine } from "../../support/child-process.js";
import { PG_URL, Table } from "../support/world.js";

const fixture = fileURLToPath(new URL("./fixtures/restart-child.ts", import.meta.url));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanup) await c(); });

async function setup(label: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), `fb-attack2-${label}-`));
  const schema = uniqueName("fbatk2");
  const table = await new Table().create();
  cleanup.push(async () => { rmSync(dir, { recursive: true, force: true }); await table.drop(); await dropSchema(PG_URL, schema); });
  const log = join(dir, "calls.log");
  const env = {
    FB_OPTIONS: JSON.stringify({ backend: "postgres", url: PG_URL, schema }), FB_THREAD: uniqueName(label), FB_LOG: log,
    FB_TABLE: table.name, FB_PREFIX: `${label.replaceAll("-", "_")}_${process.pid}`, ...extra,
  };
  const lines = () => readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" "));
  /** Runs a child to its end and returns its RESULT line. */
  const finish = async (more: Record<string, string>) => {
    const done = await runTsChild(fixture, { ...env, ...more }).exited;
    expect(done.stderr).toBe("");
    return JSON.parse(done.stdout.split("RESULT ")[1]!) as { outcome: string; effects: string[] | null };
  };
  /** Starts a child and SIGKILLs it once it logs `hang <point>`; returns its pid. */
  const killAt = async (point: string, more: Record<string, string> = {}) => {
    const first = runTsChild(fixture, { ...env, FB_MODE: "start", FB_HANG: point, ...more });
    await waitForLine(log, new RegExp(`^hang ${point} `), 60_000, first);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    return String(first.child.pid);
  };
  const bodies = async () => (await table.rows()).map((r) => r.body).sort();
  return { env, lines, finish, killAt, bodies, table };
}

describe("repeated tool call ids across a SIGKILL", () => {
  it("killed in attempt 2 after call_0, call_0#2, a direct call and two concurrent call_0 deferred calls: the resume reuses every key, each row once", async () => {
    const w = await setup("ids", { FB_CALLS: "ids" });
    const firstPid = await w.killAt("producer-end");
    const result = await w.finish({ FB_MODE: "resume" });
    expect(result.outcome).toBe("ok");
    expect(await w.bodies()).toEqual(["A2", "B2", "C2", "D2", "E2"]);
    const keyOf = (pid: string, what: string) => new Map(w.lines().filter((l) => l[3] === pid && l[0] === what).map((l) => [l[2], l[1]]));
    const before = keyOf(firstPid, "run-saga");
    const after = keyOf(w.lines().at(-1)![3]!, "run-saga");
    expect([...after.keys()]).toEqual(["A2", "B2", "C2"]);
    for (const [body, key] of after) expect(key).toBe(before.get(body));
    expect(result.effects).toEqual([
      "call_0:compensated:A1", "call_0#2:compensated:B1", `${w.env.FB_PREFIX}_saga#1:compensated:C1`, "call_0#3:dropped:D1", "call_0#4:dropped:E1",
      "call_0:kept:A2", "call_0#2:kept:B2", `${w.env.FB_PREFIX}_saga#1:kept:C2`, "call_0#3:executed:D2", "call_0#4:executed:E2",
    ]);
  }, 90_000);
});

describe("after a restart, the latest effectTool of the name", () => {
  it("killed mid-compensation; the new process creates the saga tool twice: the newer one undoes it with the same key, the run finishes clean", async () => {
    const w = await setup("undo-latest");
    const firstPid = await w.killAt("undo");
    const result = await w.finish({ FB_MODE: "resume", FB_TOOLS: "saga,saga2,outbox" });
    expect(result.outcome).toBe("ok");
    const firstUndo = w.lines().find((l) => l[0] === "undo-saga" && l[3] === firstPid)!;
    const redone = w.lines().filter((l) => l[3] !== firstPid && l[0]!.startsWith("undo"));
    expect(redone.map((l) => `${l[0]} ${l[1]}`)).toEqual([`undo-saga2 ${firstUndo[1]}`]);
    expect(await w.bodies()).toEqual(["outbox2", "saga2"]);
  }, 90_000);

  it("killed mid-compensation; the new process does not create the saga tool: a failed compensation naming it, escalated (fail)", async () => {
    const w = await setup("undo-missing");
    await w.killAt("undo");
    const result = await w.finish({ FB_MODE: "resume", FB_TOOLS: "outbox" });
    expect(result.outcome).toMatch(/^error GuardExhaustedError: /);
    expect(result.outcome).toContain(`${w.env.FB_PREFIX}_saga`);
    expect(w.lines().filter((l) => l[0] === "producer").length).toBe(1); // no retry on top of an effect still in the world
  }, 90_000);

  it("two tools share one name (compensate + defer); killed mid-compensation; the new process re-creates only the defer one: the undo fails naming it, never reported undone", async () => {
    const w = await setup("same-name", { FB_SAMENAME: "1" });
    await w.killAt("undo");
    const result = await w.finish({ FB_MODE: "resume", FB_TOOLS: "outbox" });
    const saga = `${w.env.FB_PREFIX}_saga`;
    expect(result.outcome).toMatch(/^error GuardExhaustedError: /);
    expect(result.outcome).toContain(`could not be undone: ${saga}`);
    expect(w.lines().filter((l) => l[0]!.startsWith("run-outbox"))).toEqual([]); // the defer tool's run is not used as an undo
  }, 90_000);

  it("killed before a deferred run; the new process creates the outbox tool twice: the newer one runs it once; a process without it fails naming it, and a third process finishes", async () => {
    const w = await setup("run-latest", { FB_FIRST: "good" });
    await w.killAt("outbox");
    const missing = await w.finish({ FB_MODE: "resume", FB_TOOLS: "saga" });
    expect(missing.outcome).toMatch(/^error /);
    expect(missing.outcome).toContain(`${w.env.FB_PREFIX}_outbox`);
    expect(await w.bodies()).toEqual(["saga1"]);
    const result = await w.finish({ FB_MODE: "resume", FB_TOOLS: "saga,outbox,outbox2" });
    expect(result.outcome).toBe("ok");
    expect(w.lines().filter((l) => l[0]!.startsWith("run-outbox")).map((l) => l[0])).toEqual(["run-outbox2"]);
    expect(await w.bodies()).toEqual(["outbox1", "saga1"]);
    expect(result.effects).toEqual([`${w.env.FB_PREFIX}_saga#1:kept:saga1`, `${w.env.FB_PREFIX}_outbox#1:executed:outbox1`]);
  }, 90_000);
});
