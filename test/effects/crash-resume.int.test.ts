/**
 * SIGKILL at each boundary of an effect's life, then resume in a new process: the PostgreSQL
 * table ends exactly as after a clean run (the passing attempt's two rows, once each; the blocked
 * attempt's compensated row gone), on each checkpointer backend. The child is
 * fixtures/effects-child.ts; a scripted judge stands in for the challenger's model.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointerBackends, type IsolatedStorage, uniqueName } from "../support/backends.js";
import { runTsChild, waitForLine } from "../support/child-process.js";
import { Table } from "./support/world.js";

const fixture = fileURLToPath(new URL("./fixtures/effects-child.ts", import.meta.url));
const CLEAN = [
  ["outbox 0.85^5 is about 0.44."],
  ["saga 0.85^5 is about 0.44."],
];

describe.each(checkpointerBackends())("effects across a SIGKILL on $name", (backend) => {
  const storages: IsolatedStorage[] = [];
  const dirs: string[] = [];
  const tables: Table[] = [];
  afterAll(async () => {
    for (const s of storages) await s.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    for (const t of tables) await t.drop();
  });

  async function setup(prefix: string) {
    const storage = backend.isolate();
    storages.push(storage);
    const dir = mkdtempSync(join(tmpdir(), `firebreak-${prefix}-`));
    dirs.push(dir);
    const table = await new Table().create();
    tables.push(table);
    const log = join(dir, "calls.log");
    const env = { FB_OPTIONS: JSON.stringify(storage.options), FB_THREAD: uniqueName(prefix), FB_LOG: log, FB_TABLE: table.name };
    const lines = () =>
      readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" "));
    return { env, log, table, lines };
  }

  it.each([
    ["saga-after", "inside the producer, after the compensated effect ran, before the attempt reached the checkpoint"],
    ["outbox-before", "between the commit and the deferred effect's run"],
    ["outbox-after", "after the deferred effect ran, before it was recorded"],
    ["compensate-after", "mid-compensation: the row deleted, not yet recorded"],
  ])("killed at %s (%s): the resumed run finishes, the table is as after a clean run", async (point) => {
    const { env, log, table, lines } = await setup(`fx-${point}`);
    const first = runTsChild(fixture, { ...env, FB_MODE: "start", FB_HANG: point });
    await waitForLine(log, new RegExp(`^hang ${point} `), 90_000, first);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    const second = runTsChild(fixture, { ...env, FB_MODE: "resume" });
    const done = await second.exited;
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout.split("RESULT ")[1]!) as { draft: string; effects: { tool: string; status: string }[] };
    expect(result.draft).toBe("0.85^5 is about 0.44.");
    expect(result.effects.map((e) => `${e.tool} ${e.status}`)).toEqual(["saga_row compensated", "outbox_row dropped", "saga_row kept", "outbox_row executed"]);
    expect((await table.rows()).map((r) => [r.body]).sort()).toEqual(CLEAN);
    // The second process re-ran only the interrupted step, with the key the first process used.
    const secondPid = String(second.child.pid);
    const redone = lines().filter((l) => l[2] === secondPid && l[0] !== "producer");
    const firstKeys = new Set(lines().filter((l) => l[2] === String(first.child.pid)).map((l) => l[1]));
    if (point === "saga-after") {
      // The producer runs again; its direct call has the same id (saga_row#1), so the same key: one row, later undone.
      expect(redone[0]).toEqual(["run-saga", [...firstKeys].find((k) => k?.startsWith("researcher:1:saga_row#1@")), secondPid]);
    } else if (point === "compensate-after") {
      expect(redone[0]![0]).toBe("undo-saga");
      expect(firstKeys.has(redone[0]![1])).toBe(true);
    } else {
      expect(redone.map((l) => l[0])).toEqual(["run-outbox"]);
      if (point === "outbox-after") expect(firstKeys.has(redone[0]![1])).toBe(true);
      // The producer did not run again: the passing attempt's buffer survived in the checkpoint.
      expect(lines().filter((l) => l[2] === secondPid && l[0] === "producer")).toEqual([]);
    }
  }, 240_000);
});
