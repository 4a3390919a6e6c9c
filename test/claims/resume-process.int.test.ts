import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointerBackends, type IsolatedStorage, uniqueName } from "../support/backends.js";
import { runTsChild } from "../support/child-process.js";

const fixture = fileURLToPath(new URL("./fixtures/resume-child.ts", import.meta.url));

/** Runs the fixture in a new process and returns its RESULT line. */
async function child(env: Record<string, string | undefined>): Promise<{ verifierRuns: number; claims?: Array<Record<string, unknown>>; error?: { code?: string; message: string } }> {
  const done = await runTsChild(fixture, env).exited;
  expect(done.stderr.replace(/npm warn.*\n/g, "")).toBe("");
  const line = done.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  expect(line, done.stdout).toBeDefined();
  return JSON.parse(line!.slice("RESULT ".length));
}

/**
 * Issue 12: a verifier's verdict saved as a pending write by one process is re-applied by
 * LangGraph in a NEW process (the thread resumes after the sibling's interrupt). The seal
 * travels with the write: with FIREBREAK_CLAIMS_KEY shared it is trusted; with a random key per
 * process it is unconfirmed (not green, flagged); a forged write saved the same way is rejected.
 */
describe.each(checkpointerBackends())("verdicts saved by one process and re-applied in another, on $name", (backend) => {
  const storages: IsolatedStorage[] = [];
  afterAll(async () => {
    for (const s of storages) await s.dispose();
  });
  const run = async (style: string, key: string, writer = "challenger") => {
    const storage = backend.isolate();
    storages.push(storage);
    const env = { FB_OPTIONS: JSON.stringify(storage.options), FB_THREAD: uniqueName("claims"), FB_STYLE: style, FB_WRITER: writer, FIREBREAK_CLAIMS_KEY: key === "" ? undefined : key };
    const first = await child({ ...env, FB_MODE: "start" });
    const second = await child({ ...env, FB_MODE: "resume" });
    return { first, second };
  };

  it.each(["StateSchema", "Annotation.Root"])("%s: with FIREBREAK_CLAIMS_KEY shared, the saved verdict turns the claim green without re-running the verifier", async (style) => {
    const { first, second } = await run(style, "k".repeat(48));
    expect(first.verifierRuns).toBe(1);
    expect(second.verifierRuns).toBe(0);
    expect(second.claims?.[0]).toMatchObject({ id: "c1", status: "green", verifiedBy: { verifier: "challenger" } });
  }, 120_000);

  it.each(["StateSchema", "Annotation.Root"])("%s: without a shared key the saved verdict is unconfirmed: not green, flagged, the thread finishes", async (style) => {
    const { second } = await run(style, "");
    expect(second.verifierRuns).toBe(0);
    expect(second.error).toBeUndefined();
    expect(second.claims?.[0]).toMatchObject({ id: "c1", status: "unverified", requiresVerification: true });
  }, 120_000);

  it("Annotation.Root: a forged verdict saved as a sibling's pending write is rejected when the new process re-applies it", async () => {
    const { second } = await run("Annotation.Root", "k".repeat(48), "sneaky");
    expect(second.error?.code).toBe("INVALID_CLAIM");
    expect(second.error?.message).toMatch(/seal/);
  }, 120_000);
});
