import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCheckpointer } from "../../checkpointers/index.js";
import { reportsOf } from "../../examples/supervisor-worker/publish.js";

/**
 * The README's promise, checked as a user would see it: `npm start` pauses at the human gate
 * and prints a command; that command, run in a new process, resumes the same thread from its
 * checkpoint and finishes. The guarded researcher publishes its answer (a deferred effect tool
 * writing a row to the example's database): the blocked attempt's publish is dropped, the passing
 * one's row is there exactly once, read back from the database by this test. Runs on the embedded
 * default and, when DATABASE_URL is set, on the real PostgreSQL.
 */
const dataDir = mkdtempSync(join(tmpdir(), "firebreak-example-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const backends: Array<{ name: string; env: NodeJS.ProcessEnv }> = [
  // No DATABASE_URL at all selects the embedded default (a blank one is a configuration error).
  { name: "embedded", env: { DATABASE_URL: undefined, FIREBREAK_DATA_DIR: join(dataDir, "pglite") } },
];
if (process.env.DATABASE_URL) backends.push({ name: "postgres", env: { DATABASE_URL: process.env.DATABASE_URL } });

/** The reports the example published on a thread, read from its database once no example process holds it. */
async function publishedOn(env: NodeJS.ProcessEnv, threadId: string) {
  const cp = await createCheckpointer(env.DATABASE_URL ? { url: env.DATABASE_URL } : { backend: "embedded", dataDir: env.FIREBREAK_DATA_DIR!, log: () => {} });
  try {
    return await reportsOf(cp.pool, threadId);
  } finally {
    await cp.close();
  }
}

function start(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "examples/supervisor-worker/main.ts", ...args], {
    env: Object.fromEntries(Object.entries({ ...process.env, OPENAI_API_KEY: "", ...env }).filter(([, v]) => v !== undefined)),
    encoding: "utf8",
    timeout: 150_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr, pid: result.pid };
}

describe.each(backends)("the supervisor–worker example on $name", ({ env }) => {
  it("pauses before the writer, then a new process approves and finishes the same thread; only the passing attempt published", async () => {
    const first = start([], env);
    expect(first.err).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    expect(first.out).toContain("[researcher] Five independent stages at 0.85");
    expect(first.out).toContain("[analyst]");
    // The guard on the researcher: the falsehood is held back, judged, blocked with feedback;
    // the retry passes and only then reaches the team.
    const guardLines = first.out.split("\n").filter((l) => l.startsWith("[guard:researcher]") || l.startsWith("[researcher]"));
    const steps = guardLines.map((l) => (l.startsWith("[guard:researcher] ") ? `guard ${l.slice(19).split(/: | —/)[0]}` : l.slice(0, 40)));
    expect(steps).toEqual([
      "guard attempt 1/3 held back",
      "guard publish deferred (outbox)",
      "guard challenger (scripted judgement, real calculator)",
      "guard publish of attempt 1 DROPPED",
      "guard BLOCKED",
      "guard attempt 2/3 held back",
      "guard publish deferred (outbox)",
      "guard challenger (scripted judgement, real calculator)",
      "guard committed (passed) after 1 blocked attempt(s)",
      expect.stringMatching(/^guard publish of attempt 2 executed \(idempotency key researcher:2:publish#1@[0-9a-f]{16}\)$/),
      "[researcher] Five independent stages at 0.85 each succeed together with probability 0.85^5 = 0.4437, about 44%.".slice(0, 40),
    ]);
    const executedKey = /publish of attempt 2 executed \(idempotency key (\S+)\)/.exec(first.out)![1]!;
    // The feedback names the dropped effect; the run ends by reading the table back.
    expect(first.out).toContain('Its side effects were not kept: publish {"report":"Five independent stages at 0.85 each succeed together with probability 0.85^5 ≈ 0.52');
    expect(first.out).toContain(`[db] firebreak_example_reports: 1 row(s) for this thread\n    ${executedKey}  Five independent stages`);
    expect(first.out).toContain("RED — The calculator gives 0.85^5 = 0.4437053125, not 0.52.");
    expect(first.out).toContain("[firebreak guard] Your previous output (attempt 1) was blocked before anyone saw it.");
    expect(first.out).toContain("GREEN — The calculator gives 0.85^5 = 0.4437053125, as claimed.");
    // The wrong figure never reached the team's transcript.
    expect(first.out.split("\n").filter((l) => /^\[(researcher|analyst|supervisor)\]/.test(l)).join("\n")).not.toContain("0.52");
    expect(first.out).not.toContain("[writer]");
    const command = /npm start -- --thread ([0-9a-f-]{36}) --approve/.exec(first.out);
    expect(command).not.toBeNull();

    const second = start(["--thread", command![1]!, "--approve"], env);
    expect(second.code).toBe(0);
    expect(second.pid).not.toBe(first.pid);
    expect(second.out).toContain(`Resuming thread ${command![1]}`);
    // Only the writer runs in the second process: completed nodes are not repeated.
    expect(second.out).not.toContain("[researcher]");
    expect(second.out).toMatch(/\[writer\] About 44%/);
    expect(second.out).toMatch(/\[answer\] About 44%/);

    const again = start(["--thread", command![1]!, "--approve"], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain("is not waiting at the human gate");
    // The database itself, after all three processes: the passing attempt's report, once; nothing of the blocked one.
    expect(await publishedOn(env, command![1]!)).toEqual([
      { key: executedKey, report: "Five independent stages at 0.85 each succeed together with probability 0.85^5 = 0.4437, about 44%." },
    ]);
    // Three processes, each opening the database: slow on a loaded machine.
  }, 480_000);

  it("names the missing thread and says how to start one", () => {
    const result = start(["--thread", "no-such-thread", "--approve"], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain('No thread "no-such-thread"');
    expect(result.err).toContain("npm start");
  });
});
