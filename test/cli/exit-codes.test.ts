import { describe, expect, it } from "vitest";

import { firebreak } from "./support/firebreak-bin.js";

const broken = "test/cli/fixtures/broken";
const graphs = "test/cli/fixtures/graphs.ts";

/** One case: arguments, and the one message expected on stderr. */
type Case = readonly [args: readonly string[], message: RegExp];

/** Runs the cases in parallel; each must exit 2 with exactly one message on stderr and nothing on stdout. */
async function expectLoadErrors(cases: readonly Case[]): Promise<void> {
  const results = await Promise.all(cases.map(([args]) => firebreak(...args)));
  results.forEach(({ code, stdout, stderr }, i) => {
    const label = cases[i]![0].join(" ");
    expect(code, label).toBe(2);
    expect(stdout, label).toBe("");
    expect(stderr.trim().split("\n"), label).toHaveLength(1);
    expect(stderr, label).toMatch(cases[i]![1]);
  });
}

describe("firebreak exit codes: 2 for usage and load errors, one message naming module, export and cause", () => {
  it("a module that throws, exits (even with code 0) or exits 13 from its factory", async () => {
    await expectLoadErrors([
      [["audit", `${broken}/throws-on-import.ts:graph`], /throws-on-import\.ts:graph: importing it threw: database URL missing at import; fix the module/],
      [["audit", `${broken}/exits-on-import.ts:graph`], /exits-on-import\.ts:graph: the module exited with code 0 during import, before a graph was read/],
      [["audit", `${broken}/factories.ts:exits13`], /factories\.ts:exits13: the module exited with code 13 while building the graph/],
      [["audit", `${broken}/factories.ts:broken`], /factories\.ts:broken: calling it to build the graph threw: no model configured/],
    ]);
  });

  it("a non-graph export and a missing export", async () => {
    await expectLoadErrors([
      [["audit", `${broken}/factories.ts:settings`], /factories\.ts:settings: a plain object is not a StateGraph/],
      [["audit", `${broken}/factories.ts:nope`], /factories\.ts:nope: no such export \(exports: broken, exits13, graph, neverBuilds, settings\)/],
    ]);
  });

  it("a module that hangs at import (top-level await, busy loop) or a factory that never returns, past --load-timeout", async () => {
    await expectLoadErrors([
      [["audit", `${broken}/hangs-on-import.ts:graph`, "--load-timeout", "2000"], /hangs-on-import\.ts:graph: importing it did not finish within 2000 ms/],
      [["audit", `${broken}/busy-on-import.ts:graph`, "--load-timeout", "2000"], /busy-on-import\.ts:graph: importing it did not finish within 2000 ms/],
      // Generous: importing LangGraph takes seconds on a loaded machine, and only the factory may time out.
      [["audit", `${broken}/factories.ts:neverBuilds`, "--load-timeout", "20000"], /factories\.ts:neverBuilds: building the graph did not finish within 20000 ms/],
    ]);
  });

  it("out-of-range or non-decimal numbers, before anything is imported", async () => {
    await expectLoadErrors([
      [["audit", `${graphs}:pipeline`, "--max-rho", "0x10"], /--max-rho must be a decimal number from 0 to 1000000000, got "0x10"/],
      [["audit", `${graphs}:pipeline`, "--max-relay-depth", "1e3"], /--max-relay-depth must be a whole number from 0 to 1000000, written in digits, got "1e3"/],
      [["audit", `${graphs}:pipeline`, "--load-timeout", "9999999999"], /--load-timeout must be a whole number from 1 to 600000/],
      [["audit", `${graphs}:pipeline`, "--level", "team"], /--level must be "agent" or "node", got "team"/],
      [["chaos", `${broken}/busy-on-import.ts:graph`, "--trials", "1e9"], /--trials must be a whole number from 1 to 10000, written in digits, got "1e9"/],
      [
        ["chaos", `${broken}/busy-on-import.ts:graph`, "--trials", "10000", "--fault", "empty", "--fault", "garbage", "--fault", "malformed", ...["a", "b", "c", "d", "e", "f", "g"].flatMap((t) => ["--target", t])],
        /--trials 10000 × 21 configurations = 210000 runs, more than the 200000 one campaign allows/,
      ],
      [["chaos", `${broken}/busy-on-import.ts:graph`, "--fault", "latency:0x10"], /expected latency:<milliseconds> up to 600000/],
    ]);
  });

  it("chaos loads its module in a child first: an import that throws or exits is a load error, not a crash", async () => {
    await expectLoadErrors([
      [["chaos", `${broken}/throws-on-import.ts:graph`, "--quiet"], /throws-on-import\.ts:graph: importing it threw: database URL missing at import/],
      [["chaos", `${broken}/exits-on-import.ts:graph`, "--quiet"], /exits-on-import\.ts:graph: the module exited with code 0 during import/],
      [["chaos", `${broken}/factories.ts:nope`, "--quiet"], /factories\.ts:nope: no such export/],
    ]);
  });

  it("exit 0 only with a report that passes, 1 only with a report that fails", async () => {
    const pass = await firebreak("audit", `${graphs}:pipeline`, "--max-relay-depth", "5");
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/Result: PASS/);
    const fail = await firebreak("audit", `${graphs}:pipeline`);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/Result: FAIL \(1 error/);
  });
});
