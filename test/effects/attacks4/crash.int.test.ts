/**
 * Attack on docs/effects.md (idempotency keys; Limits: a compensated effect enters the checkpoint when the
 * producer returns; calls left running belong to the attempt within the 1 s grace): a process SIGKILLed
 * inside the grace, after a left-running compensated call wrote its row but before anything recorded it,
 * resumed in a new process on a raw PostgresSaver (fresh schema and thread): the row must end recorded
 * (kept, once) or undone — never an unrecorded row. The child is fixtures/grace-crash-child.ts; its judge
 * is a scripted stand-in for a model.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, uniqueName } from "../../support/backends.js";
import { runTsChild, waitForLine } from "../../support/child-process.js";
import { PG_URL, Table } from "../support/world.js";

const fixture = fileURLToPath(new URL("./fixtures/grace-crash-child.ts", import.meta.url));
const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanup) await c(); });

async function crashThenResume(first: "bad" | "fine") {
  const dir = mkdtempSync(join(tmpdir(), "fb-attack4-"));
  const schema = uniqueName("fbatk4");
  const table = await new Table().create();
  cleanup.push(async () => { rmSync(dir, { recursive: true, force: true }); await table.drop(); await dropSchema(PG_URL, schema); });
  const log = join(dir, "calls.log");
  const env = { FB_URL: PG_URL, FB_SCHEMA: schema, FB_THREAD: uniqueName("grace"), FB_LOG: log, FB_TABLE: table.name, FB_PREFIX: `g4_${process.pid}_${first}`, FB_FIRST: first };
  const child = runTsChild(fixture, { ...env, FB_MODE: "start" });
  await waitForLine(log, /^hang grace /, 60_000, child);
  child.child.kill("SIGKILL");
  expect((await child.exited).signal).toBe("SIGKILL");
  const done = await runTsChild(fixture, { ...env, FB_MODE: "resume" }).exited;
  expect(done.stderr).toBe("");
  const result = JSON.parse(done.stdout.split("RESULT ")[1]!) as { effects: string[] };
  const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" "));
  return { result, lines, rows: await table.rows() };
}

describe("SIGKILL inside the grace, a left-running compensated call's row already written", () => {
  it("attempt 1 red: after the resume its row is deleted (undone under the same key), attempt 2's row kept once", async () => {
    const { result, lines, rows } = await crashThenResume("bad");
    const killedKey = lines.find((l) => l[0] === "run" && l[2] === "row1")![1];
    expect(rows.map((r) => r.body)).toEqual(["row2"]);
    expect(lines.some((l) => l[0] === "undo" && l[1] === killedKey)).toBe(true);
    expect(result.effects.map((e) => e.split(" ").slice(0, 2).join(" "))).toEqual(["1 compensated", "2 kept"]);
  }, 90_000);

  it("attempt 1 green: after the resume one row, recorded kept under the key the killed process used", async () => {
    const { result, lines, rows } = await crashThenResume("fine");
    const killedKey = lines.find((l) => l[0] === "run" && l[2] === "row1")![1];
    expect(rows.map((r) => r.key)).toEqual([killedKey]);
    expect(result.effects).toEqual([`1 kept ${killedKey}`]);
  }, 90_000);
});
