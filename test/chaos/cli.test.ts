import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";

const fixture = join(import.meta.dirname, "fixtures", "cascade.ts");
const dir = mkdtempSync(join(tmpdir(), "firebreak-chaos-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

describe("firebreak chaos", () => {
  it("prints the campaign table and writes the report and the picture", async () => {
    const { code, stdout, stderr } = await cli(
      "chaos",
      `${fixture}:graph`,
      "--fault",
      "falsehood:The capital of Australia is=Sydney",
      "--target",
      "hub",
      "--trials",
      "2",
      "--guard",
      `${fixture}:challenger`,
      "--modes",
      "unguarded,recommended",
      "--input",
      '{"task":"What is the capital of Australia?"}',
      "--json",
      "report.json",
      "--svg",
      "picture.svg",
      "--quiet",
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| falsehood \| hub \(supervisor\) \| none +\| 2\/2 +\| 100\.0% +\| 100\.0% +\| 100\.0% +\| — +\| 0\.0% +\|/);
    expect(stdout).toMatch(/\| falsehood \| hub \(supervisor\) \| recommended \(supervisor\) \| 2\/2 +\| 0\.0% +\| 0\.0% +\| 0\.0% +\| 100\.0% +\| 100\.0% +\|/);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
    expect(report.kind).toBe("firebreak/campaign");
    expect(report.rows).toHaveLength(2);
    expect(readFileSync(join(dir, "picture.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it("accepts a compiled graph and the default neutral probe falsehood", async () => {
    const { code, stdout } = await cli("chaos", `${fixture}:compiled`, "--target", "leaf", "--trials", "1", "--quiet");
    expect(code).toBe(0);
    expect(stdout).toMatch(/\| falsehood \| leaf \(worker3\) \| none +\| 1\/1 +\|/);
  });

  it("exits with 2 and says what is wrong for bad arguments", async () => {
    const unknown = await cli("chaos", `${fixture}:graph`, "--fault", "meteor");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown fault "meteor"/);
    const guardless = await cli("chaos", `${fixture}:graph`, "--modes", "recommended");
    expect(guardless.code).toBe(2);
    expect(guardless.stderr).toMatch(/--modes recommended needs --guard/);
    const help = await cli("chaos", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: firebreak chaos <module>/);
  });
});
