import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";

/** Runs the CLI in process and collects what it writes. */
async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: process.cwd() });
  return { code, stdout, stderr };
}

describe("firebreak dispatcher", () => {
  it("routes prune to its command and lists it in the help", async () => {
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/prune \[options\]\s+delete old checkpoints/);
    const prune = await run("prune", "--help");
    expect(prune.code).toBe(0);
    expect(prune.stdout).toMatch(/^Usage: firebreak prune/);
  });

  it("exits 2 without a command, and on an unknown one with one message", async () => {
    expect((await run()).code).toBe(2);
    const unknown = await run("lint");
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toBe('firebreak: Unknown command "lint". Commands: audit, chaos, prune.\n');
  });
});
