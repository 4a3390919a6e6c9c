/**
 * Attacks on finding the attempt (docs/effects.md, Limits) through graph nesting: a guarded producer that invokes
 * another graph with its own guard, a guarded node that is a subgraph, effect tools called from inside an effect's
 * own run, and two guarded nodes in one superstep calling the same tools without a config.
 */
import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { guardNodeInPlace, readGuardFeedback, type GuardRecord } from "langgraph-firebreak/nodes";
import { State, World, claim, compensateTool, deferTool, effectsOf, guardedGraph, judge } from "../attacks/harness.js";
import { call, type Config } from "./kit.js";

const recordOf = (records: readonly GuardRecord[], guard: string) => effectsOf([records.find((r) => r.guard === guard)!]);

describe("nested guards", () => {
  for (const passConfig of [true, false]) {
    it(`an outer guarded producer invoking an inner guarded graph (${passConfig ? "with" : "without"} its config): inner calls belong to the inner attempt, the outer's later no-config call to the outer attempt`, async () => {
      const world = new World();
      const ticket = compensateTool(world);
      const publish = deferTool(world);
      let innerRuns = 0;
      const inner = guardedGraph(async (_s, config) => {
        const blocked = ++innerRuns % 2 === 1;
        await ticket.invoke({ title: `inner-${innerRuns}` }, config);
        await publish.invoke({ text: `inner-${innerRuns}` }); // no config: the innermost attempt
        return claim(blocked ? "bad" : "fine");
      });
      const outer = guardedGraph(async (_s, config) => {
        const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
        await inner.graph.invoke({}, passConfig ? config : undefined);
        await publish.invoke({ text: `outer-${n}` }); // no config, after the inner graph returned
        return claim(n === 1 ? "bad" : "fine");
      });
      const out = await outer.graph.invoke({});
      expect(world.log.filter((l) => l.startsWith("run "))).toEqual(["run inner-2", "run inner-4", "run outer-2"]);
      expect(world.log.filter((l) => l.startsWith("close "))).toEqual(['close inner-1 {"id":"inner-1"}', 'close inner-3 {"id":"inner-3"}']);
      expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"text":"outer-1"}', '2:defer:executed:{"text":"outer-2"}']);
    });
  }
});

describe("subgraphs", () => {
  it("a guarded node that is a compiled subgraph: its inner node's calls (with and without config) are dropped / undone when blocked", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const publish = deferTool(world);
    const sub = new StateGraph(State)
      .addNode("inner", async (_s: unknown, config: Config) => {
        await ticket.invoke({ title: "sub" }, config);
        await publish.invoke({ text: "sub" });
        return claim("bad");
      })
      .addEdge(START, "inner").addEdge("inner", END).compile();
    const builder = new StateGraph(State).addNode("researcher", sub).addEdge(START, "researcher").addEdge("researcher", END);
    guardNodeInPlace(builder, "researcher", { challenger: judge(), maxAttempts: 1, onExhausted: "degrade" });
    const out = await builder.compile().invoke({});
    expect(world.log).toEqual(["open sub", 'close sub {"id":"sub"}']);
    expect(effectsOf(out.guardRecords)).toEqual(['1:compensate:compensated:{"title":"sub"}', '1:defer:dropped:{"text":"sub"}']);
  });

  it("a guarded producer running a subgraph with its config whose node calls without config: recorded in the attempt", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const sub = new StateGraph(State)
      .addNode("inner", async () => { await ticket.invoke({ title: "deep" }); return {}; })
      .addEdge(START, "inner").addEdge("inner", END).compile();
    const { graph } = guardedGraph(async (_s, config) => { await sub.invoke({}, config); return claim("bad"); }, { maxAttempts: 1, onExhausted: "degrade" });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["open deep", 'close deep {"id":"deep"}']);
    expect(effectsOf(out.guardRecords)).toEqual(['1:compensate:compensated:{"title":"deep"}']);
  });
});

describe("effect tools called from inside an effect's own run", () => {
  it("a deferred run (after the verdict) calling a compensated tool with ctx.config and a deferred tool without: each inner effect happens exactly once", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const publish = deferTool(world);
    const { effectTool } = await import("langgraph-firebreak");
    const { z } = await import("zod");
    const outcomes: string[] = [];
    const outer = effectTool({
      name: `outer_${process.pid}_${Date.now()}`, description: "o", schema: z.object({ v: z.string() }), mode: "defer",
      run: async ({ v }, ctx) => {
        world.add(`outer ${v}`, ctx.idempotencyKey);
        outcomes.push(await ticket.invoke({ title: `from-outer-${v}` }, ctx.config).then(() => "ran", (e: Error) => `refused: ${e.message}`));
        outcomes.push(await publish.invoke({ text: `from-outer-${v}` }).then(() => "ran", (e: Error) => `refused: ${e.message}`));
      },
    });
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      await outer.invoke({ v: tag }, config);
      return claim(tag);
    });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["outer good", "open from-outer-good", "run from-outer-good"]);
    expect(outcomes).toEqual(["ran", "ran"]);
    expect(effectsOf(out.guardRecords)).toEqual(['1:defer:dropped:{"v":"bad"}', '2:defer:executed:{"v":"good"}']);
  });

  it("a compensated run (inside the attempt) calling a deferred tool with ctx.config: the inner call is recorded in the same attempt and dropped with it", async () => {
    const world = new World();
    const publish = deferTool(world);
    const { effectTool } = await import("langgraph-firebreak");
    const { z } = await import("zod");
    const outer = effectTool({
      name: `outerc_${process.pid}_${Date.now()}`, description: "o", schema: z.object({ v: z.string() }), mode: "compensate",
      run: async ({ v }, ctx) => { world.add(`outer ${v}`); await publish.invoke({ text: `inner-${v}` }, ctx.config); return v; },
      compensate: ({ v }) => void world.add(`undo ${v}`),
    });
    const { graph } = guardedGraph(async (_s, config) => { await outer.invoke({ v: "x" }, config); return claim("bad"); }, { maxAttempts: 1, onExhausted: "degrade" });
    const out = await graph.invoke({});
    expect(world.log).toEqual(["outer x", "undo x"]);
    expect(effectsOf(out.guardRecords).sort()).toEqual(['1:compensate:compensated:{"v":"x"}', '1:defer:dropped:{"text":"inner-x"}']);
  });
});

describe("two guarded nodes in one superstep", () => {
  const parallel = (alpha: (c: Config) => Promise<unknown>, beta: (c: Config) => Promise<unknown>) => {
    const builder = new StateGraph(State)
      .addNode("alpha", async (_s: unknown, c: Config) => alpha(c)).addNode("beta", async (_s: unknown, c: Config) => beta(c))
      .addEdge(START, "alpha").addEdge(START, "beta").addEdge("alpha", END).addEdge("beta", END);
    guardNodeInPlace(builder, "alpha", { challenger: judge(), maxAttempts: 2 });
    guardNodeInPlace(builder, "beta", { challenger: judge(), maxAttempts: 2 });
    return builder.compile();
  };

  it("interleaved no-config calls of the same tools: alpha's blocked effects are dropped / undone, beta's kept, none crosses", async () => {
    const world = new World();
    const ticket = compensateTool(world);
    const publish = deferTool(world);
    const step = (who: string) => async (config: Config) => {
      const tag = who === "alpha" && !readGuardFeedback(config) ? `bad-${who}` : `ok-${who}`;
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((r) => setImmediate(r)); // let the other producer run between calls
        await ticket.invoke({ title: `${tag}-${i}` });
        await publish.invoke({ text: `${tag}-${i}` });
      }
      return claim(tag);
    };
    const out = await parallel(step("alpha"), step("beta")).invoke({});
    expect(world.log.filter((l) => l.startsWith("run ")).sort()).toEqual(["ok-alpha-0", "ok-alpha-1", "ok-alpha-2", "ok-beta-0", "ok-beta-1", "ok-beta-2"].map((t) => `run ${t}`));
    expect(world.log.filter((l) => l.startsWith("close ")).map((l) => l.split(" ")[1])).toEqual(["bad-alpha-2", "bad-alpha-1", "bad-alpha-0"]);
    expect(recordOf(out.guardRecords, "beta").every((e) => e.includes("ok-beta") && e.startsWith("1:"))).toBe(true);
    expect(recordOf(out.guardRecords, "alpha").filter((e) => e.includes("beta"))).toEqual([]);
  });

  it("both producers use tool call id call_0 with their configs: numbering is per attempt of each guard (no #2 from the other guard)", async () => {
    const world = new World();
    const publish = deferTool(world);
    const step = (who: string) => async (config: Config) => {
      await new Promise<void>((r) => setImmediate(r));
      await publish.invoke(call(publish.name, { text: who }, "call_0") as never, config);
      return claim(`ok ${who}`);
    };
    const out = await parallel(step("alpha"), step("beta")).invoke({});
    const ids = out.guardRecords.flatMap((r: GuardRecord) => (r.effects ?? []).map((e) => `${r.guard}:${e.toolCallId}`)).sort();
    expect(ids).toEqual(["alpha:call_0", "beta:call_0"]);
    expect(world.log.sort()).toEqual(["run alpha", "run beta"]);
    expect(new Set(world.keys).size).toBe(2);
  });
});
