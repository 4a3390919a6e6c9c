/**
 * Bad-options table (issue 14) for analyzeTopology, assertTopology and compileWithFirebreak:
 * every bad option is rejected at the call with code INVALID_OPTIONS, naming the option path,
 * the value received (shortened) and what is allowed; compileWithFirebreak compiles nothing.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { analyzeTopology, assertTopology, compileWithFirebreak, createTopology } from "../../src/topology/index.js";

const topo = createTopology({ edges: [["a", "b"]] });

/** [what, options, option path, received, part of the allowed text]. */
const table: [string, unknown, string, string, string][] = [
  ["unknown key", { betta: 0.3 }, "betta", "0.3", "no such option"],
  ["wrong type", { beta: "0.3" }, "beta", '"0.3"', "a probability from 0 to 1"],
  ["out of range", { beta: 1.5 }, "beta", "1.5", "a probability from 0 to 1"],
  ["NaN", { delta: Number.NaN }, "delta", "NaN", "a rate above 0 and at most 1"],
  ["Infinity", { maxRho: Number.POSITIVE_INFINITY }, "maxRho", "Infinity", "a number from 0 to 1000000000"],
  ["zero rate", { delta: 0 }, "delta", "0", "a rate above 0"],
  ["negative", { guardResidual: -0.1 }, "guardResidual", "-0.1", "a probability"],
  ["not whole", { maxRelayDepth: 2.5 }, "maxRelayDepth", "2.5", "an integer from 0 to 1000000"],
  ["huge", { seeds: 1e12 }, "seeds", "1000000000000", "an integer from 0 to 67108864"],
  ["nested unknown key", { guards: { unit: "node", maximum: 3 } }, "guards.maximum", "3", "no such option"],
  ["nested out of range", { cycles: { limit: -1 } }, "cycles.limit", "-1", "an integer from 0"],
  ["enum", { level: "team" }, "level", '"team"', '"agent", "node"'],
  ["guard unit", { guards: { unit: "graph" } }, "guards.unit", '"graph"', '"node", "edge"'],
  ["role", { defaultRole: "boss" }, "defaultRole", '"boss"', '"agent"'],
  ["record value", { edgeBeta: { "a->b": 2 } }, "edgeBeta.a->b", "2", "a probability"],
  ["facts", { facts: { costPerRunUsd: -1 } }, "facts.costPerRunUsd", "-1", "US dollars"],
  ["facts unknown key", { facts: { budget: 3 } }, "facts.budget", "3", "no such option"],
  ["blank node name", { interruptBefore: ["  "] }, "interruptBefore[0]", "\"  \"", "a non-blank string"],
  ["not an object", 42, "options", "42", "an options object"],
  ["null", null, "options", "null", "an options object"],
];

describe("bad options are rejected at the call, by name", () => {
  for (const [what, options, option, received, allowed] of table) {
    it(`analyzeTopology and assertTopology: ${what}`, () => {
      for (const [fn, where] of [[analyzeTopology, "analyzeTopology"], [assertTopology, "assertTopology"]] as const) {
        let error: any;
        try {
          fn(topo, options as never);
        } catch (e) {
          error = e;
        }
        expect(error, `${where} ${what}`).toBeDefined();
        expect(error.code).toBe("INVALID_OPTIONS");
        expect(error.option).toBe(option);
        if (received !== "") expect(error.received).toBe(received);
        expect(error.allowed).toContain(allowed);
        expect(error.message.startsWith(`${where}: ${option} received `)).toBe(true);
      }
    });
  }

  it("quotes a huge value shortened", () => {
    const long = "x".repeat(1_000_000);
    let error: any;
    try {
      analyzeTopology(topo, { level: long } as never);
    } catch (e) {
      error = e;
    }
    expect(error.message.length).toBeLessThan(400);
  });

  it("compileWithFirebreak rejects before compiling (the builder stays uncompiled)", () => {
    const State = Annotation.Root({ x: Annotation<number>() });
    const builder = new StateGraph(State).addNode("a", () => ({})).addEdge(START, "a").addEdge("a", END);
    for (const [options, option] of [
      [{ maxRho: -1 }, "maxRho"],
      [{ checkpointr: true }, "checkpointr"],
      [{ onReport: "yes" }, "onReport"],
      [{ guards: { max: 1e9 } }, "guards.max"],
    ] as const) {
      expect(() => compileWithFirebreak(builder, options as never)).toThrow(expect.objectContaining({ code: "INVALID_OPTIONS", option }));
    }
    expect((builder as unknown as { compiled: boolean }).compiled).toBe(false);
    expect(() => compileWithFirebreak(builder, { maxRelayDepth: 3, name: "ok" })).not.toThrow();
  });

  it("valid options at the edges of their ranges pass", () => {
    for (const options of [{ beta: 0 }, { beta: 1 }, { delta: 1 }, { guardResidual: 0 }, { maxRelayDepth: 0 }, { guards: false as const }, { cycles: false as const }, { xray: 2 }, { interruptBefore: "*" as const }]) {
      expect(() => analyzeTopology(topo, options)).not.toThrow();
    }
  });
});
