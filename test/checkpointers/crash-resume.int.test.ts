import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointerBackends, type IsolatedStorage, uniqueName } from "../support/backends.js";
import { runTsChild, waitForLine } from "../support/child-process.js";

const fixture = fileURLToPath(new URL("./fixtures/crash-child.ts", import.meta.url));

describe.each(checkpointerBackends())("crash and resume across processes on $name", (backend) => {
  const storages: IsolatedStorage[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of storages) await s.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a SIGKILLed run resumes in a new process without re-running its completed nodes", async () => {
    const storage = backend.isolate();
    storages.push(storage);
    const dir = mkdtempSync(join(tmpdir(), "firebreak-crash-"));
    dirs.push(dir);
    const log = join(dir, "nodes.log");
    const env = { FB_OPTIONS: JSON.stringify(storage.options), FB_THREAD: uniqueName("crash"), FB_LOG: log };

    const first = runTsChild(fixture, { ...env, FB_MODE: "start", FB_BLOCK_AT: "n4" });
    await waitForLine(log, /^n4 /, 90_000, first);
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");

    const second = runTsChild(fixture, { ...env, FB_MODE: "resume" });
    const done = await second.exited;
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);

    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" "));
    const ran = (pid: number | undefined) => lines.filter(([, p]) => Number(p) === pid).map(([node]) => node);
    expect(ran(first.child.pid)).toEqual(["n1", "n2", "n3", "n4"]);
    // n4 was in flight when the first process died, so only it and the nodes after it run again.
    expect(ran(second.child.pid)).toEqual(["n4", "n5", "writer"]);

    const result = JSON.parse(done.stdout.split("RESULT ")[1]!);
    expect(result.log).toEqual(["n1", "n2", "n3", "n4", "n5", "published: first draft"]);
  }, 240_000);
});
