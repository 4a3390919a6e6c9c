import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointerBackends, type IsolatedStorage, uniqueName } from "../support/backends.js";
import { runTsChild, waitForLine } from "../support/child-process.js";

const fixture = fileURLToPath(new URL("./fixtures/guard-child.ts", import.meta.url));

describe.each(checkpointerBackends())("a guarded handoff across processes on $name", (backend) => {
  const storages: IsolatedStorage[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const s of storages) await s.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function setup(prefix: string) {
    const storage = backend.isolate();
    storages.push(storage);
    const dir = mkdtempSync(join(tmpdir(), `firebreak-${prefix}-`));
    dirs.push(dir);
    const log = join(dir, "calls.log");
    const env = { FB_OPTIONS: JSON.stringify(storage.options), FB_THREAD: uniqueName(prefix), FB_LOG: log };
    const calls = () =>
      readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" ") as [string, string]);
    return { env, log, calls };
  }

  it("a process killed during Challenge resumes into Challenge in a new process without running the producer again", async () => {
    const { env, log, calls } = setup("guard-crash");
    const first = runTsChild(fixture, { ...env, FB_MODE: "start", FB_TURNS: "true", FB_BLOCK: "challenge" });
    await waitForLine(log, /^challenger /, 90_000, first);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");

    const second = runTsChild(fixture, { ...env, FB_MODE: "resume", FB_TURNS: "true" });
    const done = await second.exited;
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);

    const ran = (pid: number | undefined) => calls().filter(([, p]) => Number(p) === pid).map(([what]) => what);
    expect(ran(first.child.pid)).toEqual(["producer", "challenger"]);
    // The buffered update survived the crash: only the challenge runs again.
    expect(ran(second.child.pid)).toEqual(["challenger"]);
    const result = JSON.parse(done.stdout.split("RESULT ")[1]!);
    expect(result.draft).toBe("0.85^5 is about 0.44.");
    expect(result.log).toEqual(["intake", "researcher attempt 1", "reader saw: 0.85^5 is about 0.44."]);
    expect(result.claims.at(-1)).toMatchObject({ text: "0.85^5 is about 0.44", status: "green" });
  }, 180_000);

  it("a human escalation survives the process and is approved from a new one", async () => {
    const { env, calls } = setup("guard-hitl");
    const first = runTsChild(fixture, { ...env, FB_MODE: "start", FB_TURNS: "false", FB_MAX: "2", FB_ON_EXHAUSTED: "interrupt" });
    const paused = await first.exited;
    expect(paused.stderr).toBe("");
    expect(paused.code).toBe(0);
    const packet = JSON.parse(paused.stdout.split("INTERRUPTED ")[1]!);
    expect(packet).toMatchObject({ kind: "firebreak/guard-escalation", producer: "researcher", actions: ["approve", "reject", "edit"] });
    expect(packet.attempts.map((a: { blocked: boolean }) => a.blocked)).toEqual([true, true]);

    const second = runTsChild(fixture, { ...env, FB_MODE: "approve", FB_TURNS: "false", FB_MAX: "2", FB_ON_EXHAUSTED: "interrupt" });
    const done = await second.exited;
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout.split("RESULT ")[1]!);
    expect(result.draft).toBe("0.85^5 is about 0.52.");
    expect(result.claims.at(-1)).toMatchObject({ status: "green", verifiedBy: { verifier: "human", evidence: ["human:second-process"] } });
    expect(result.guardRecords[0]).toMatchObject({ outcome: "approved", blocked: 2 });
    // Neither the producer nor the challenger ran in the second process.
    expect(calls().filter(([, p]) => Number(p) === second.child.pid)).toEqual([]);
  }, 120_000);
});
