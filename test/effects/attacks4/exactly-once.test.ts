/**
 * Attacks on docs/effects.md: a deferred effect runs exactly once when its attempt passes (under its
 * idempotency key), never when it fails; a compensated effect is undone when its attempt is judged red.
 * Against the real PostgreSQL table (one row per key: a key collision would silently drop an effect)
 * and the loopback ticket endpoint. Re-used tool instances across guards and graphs, parallel tool
 * calls through LangGraph's ToolNode. Scripted judge (harness stand-in for a model): "bad" is red.
 */
import { describe, expect, it } from "vitest";
import type { RunnableConfig } from "@langchain/core/runnables";
import { AIMessage } from "@langchain/core/messages";
import { END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { guardNodeInPlace } from "langgraph-firebreak/nodes";
import { State, claim, guardedGraph, judge, tid } from "../attacks/harness.js";
import { publishTool, ticketTool } from "../support/tools.js";
import { useWorld } from "../support/world.js";
import { attemptOf, recordedOpen } from "./kit.js";

const world = useWorld();
const bodies = async (prefix: string) => (await world.table.rows()).filter((r) => r.body.startsWith(prefix));
const openWith = (prefix: string) => [...world.endpoint.open.entries()].filter(([, title]) => title.startsWith(prefix)).map(([k]) => k).sort();

describe("one tool instance under two guards", () => {
  it("alpha passes, beta is blocked once then passes (same inputs): 2 rows, alpha's and beta#2's tickets open, beta#1's closed, 6 distinct keys", async () => {
    const p = tid("two-guards");
    const publish = publishTool(world.table);
    const ticket = ticketTool(world.endpoint.url);
    const producer = (who: "alpha" | "beta") => async (_s: unknown, config: RunnableConfig) => {
      const n = attemptOf(config);
      await ticket.invoke({ title: `${p} same` }, config);
      await publish.invoke({ text: `${p} same` }, config);
      return claim(who === "beta" && n === 1 ? "bad beta" : `fine ${who} ${n}`);
    };
    const builder = new StateGraph(State).addNode("alpha", producer("alpha")).addNode("beta", producer("beta"))
      .addEdge(START, "alpha").addEdge("alpha", "beta").addEdge("beta", END);
    guardNodeInPlace(builder, "alpha", { challenger: judge(), maxAttempts: 3 });
    guardNodeInPlace(builder, "beta", { challenger: judge(), maxAttempts: 3 });
    const out = await builder.compile().invoke({});
    const effects = out.guardRecords.flatMap((r) => r.effects ?? []);
    expect(new Set(effects.map((e) => e.key)).size).toBe(6);
    expect((await bodies(p)).map((r) => r.key).sort()).toEqual(effects.filter((e) => e.status === "executed").map((e) => e.key).sort());
    expect(await bodies(p)).toHaveLength(2);
    expect(openWith(p)).toEqual(recordedOpen(out.guardRecords));
    expect(openWith(p)).toHaveLength(2);
  });

  it("two graphs with their own MemorySaver, the same thread_id and node name, run concurrently with one shared tool: both effects run (distinct keys)", async () => {
    const p = tid("two-graphs");
    const publish = publishTool(world.table);
    const thread = tid("shared-thread");
    const make = () => guardedGraph(async (_s, config) => { await publish.invoke({ text: `${p} x` }, config); return claim("fine"); }, {}, new MemorySaver()).graph;
    const config = { configurable: { thread_id: thread } };
    await Promise.all([make().invoke({}, config), make().invoke({}, config)]);
    expect(await bodies(p)).toHaveLength(2);
  });

  it("the same thread_id without a checkpointer, run twice: two handoffs, two keys, two rows", async () => {
    const p = tid("no-saver");
    const publish = publishTool(world.table);
    const { graph } = guardedGraph(async (_s, config) => { await publish.invoke({ text: `${p} x` }, config); return claim("fine"); });
    const config = { configurable: { thread_id: tid("same-thread") } };
    await graph.invoke({}, config);
    await graph.invoke({}, config);
    expect(await bodies(p)).toHaveLength(2);
  });
});

describe("parallel tool calls through ToolNode inside the guarded producer", () => {
  it("one AI message with 4 parallel calls (ids a, b, a, c), attempt 1 red then green: only attempt 2's rows, attempt 1's tickets closed, each call its own key", async () => {
    const p = tid("toolnode");
    const publish = publishTool(world.table);
    const ticket = ticketTool(world.endpoint.url);
    const node = new ToolNode([publish, ticket]);
    const { graph } = guardedGraph(async (_s, config) => {
      const n = attemptOf(config);
      const message = new AIMessage({ content: "", tool_calls: [
        { name: publish.name, args: { text: `${p} r${n}-1` }, id: "a", type: "tool_call" },
        { name: ticket.name, args: { title: `${p} t${n}-1` }, id: "b", type: "tool_call" },
        { name: publish.name, args: { text: `${p} r${n}-2` }, id: "a", type: "tool_call" },
        { name: ticket.name, args: { title: `${p} t${n}-2` }, id: "c", type: "tool_call" },
      ] });
      await node.invoke({ messages: [message] }, config);
      return claim(n === 1 ? "bad 1" : "fine 2");
    });
    const out = await graph.invoke({});
    const effects = out.guardRecords[0]!.effects ?? [];
    expect(effects).toHaveLength(8);
    expect(new Set(effects.map((e) => e.key)).size).toBe(8);
    expect((await bodies(p)).map((r) => r.body).sort()).toEqual([`${p} r2-1`, `${p} r2-2`]);
    expect(openWith(p).map((k) => world.endpoint.open.get(k)).sort()).toEqual([`${p} t2-1`, `${p} t2-2`]);
    expect(openWith(p)).toEqual(recordedOpen(out.guardRecords));
  });
});

describe("a blocked attempt's compensated effects, with the undo driven from the record", () => {
  it("3 attempts all red, degrade: every ticket of every attempt is closed, no report is ever written", async () => {
    const p = tid("all-red");
    const publish = publishTool(world.table);
    const ticket = ticketTool(world.endpoint.url);
    const { graph } = guardedGraph(async (_s, config) => {
      const n = attemptOf(config);
      await Promise.all([ticket.invoke({ title: `${p} t${n}` }, config), publish.invoke({ text: `${p} r${n}` }, config)]);
      return claim(`bad ${n}`);
    }, { onExhausted: "degrade" });
    const out = await graph.invoke({}, { recursionLimit: 100 });
    expect(await bodies(p)).toEqual([]);
    expect(openWith(p)).toEqual([]);
    expect(out.guardRecords[0]!.effects!.map((e) => e.status).sort()).toEqual(["compensated", "compensated", "compensated", "dropped", "dropped", "dropped"]);
  });
});
