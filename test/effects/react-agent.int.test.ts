/**
 * A createReactAgent worker (and the same with LangChain v1's createAgent) behind a guard with a deferred tool (publish: a PostgreSQL row), a
 * compensated tool (ticket: a loopback HTTP endpoint) and a plain tool. The ScriptedChatModel
 * stands in for the worker model's judgement (which tools to call, what to answer), and a
 * scripted judge for the challenger's: the first answer is wrong (red), the revision right (green).
 */
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createAgent } from "langchain";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedChatModel, type ScriptContext } from "../../src/testing/index.js";
import { guardedGraph } from "../guard/support/parent-graph.js";
import { judgeAgainst } from "../guard/support/judges.js";
import { publishTool, ticketTool } from "./support/tools.js";
import { useWorld } from "./support/world.js";

const world = useWorld();

const isFeedback = (m: BaseMessage) => HumanMessage.isInstance(m) && m.name === "firebreak_guard";

/** The worker's script (standing in for its model): call the three tools, then answer; wrong before feedback, right after. */
function workerScript(names: { publish: string; ticket: string; lookup: string }) {
  return (ctx: ScriptContext) => {
    const revision = ctx.messages.some(isFeedback);
    const tag = revision ? "r" : "f";
    if (!ToolMessage.isInstance(ctx.messages.at(-1))) {
      return {
        toolCalls: [
          { name: names.lookup, args: { q: "0.85^5" }, id: `lookup_${tag}` },
          { name: names.ticket, args: { title: `research ticket (${tag})` }, id: `ticket_${tag}` },
          { name: names.publish, args: { text: `report (${tag})` }, id: `publish_${tag}` },
        ],
      };
    }
    return revision ? "0.85^5 is about 0.44." : "0.85^5 is about 0.52.";
  };
}

type Tools = Parameters<typeof createReactAgent>[0]["tools"];
const agents = {
  createReactAgent: (llm: ScriptedChatModel, tools: Tools) => createReactAgent({ llm, tools }),
  "createAgent (langchain v1)": (llm: ScriptedChatModel, tools: Tools) => createAgent({ model: llm, tools: tools as never }),
};

describe.each(Object.keys(agents) as (keyof typeof agents)[])("%s worker with deferred, compensated and plain tools behind a guard", (kind) => {
  it("red then green: the blocked attempt's row never appears and its ticket is closed; the passing attempt's are there once", async () => {
    const publish = publishTool(world.table);
    const ticket = ticketTool(world.endpoint.url);
    const lookups: string[] = [];
    const lookup = tool(async ({ q }: { q: string }) => {
        lookups.push(q);
        return "0.4437";
      }, { name: `lookup_${publish.name}`, description: "Look a figure up.", schema: z.object({ q: z.string() }) });
    const model = new ScriptedChatModel({ script: workerScript({ publish: publish.name, ticket: ticket.name, lookup: lookup.name }), label: "scripted worker" });
    const worker = agents[kind](model, [lookup, ticket, publish]);
    const out = await guardedGraph(worker as never, judgeAgainst("0.52")).compile().invoke({ task: "compute 0.85^5", messages: [] });

    const record = out.guardRecords[0]!;
    expect(record.attempts.map((a) => a.blocked)).toEqual([true, false]);
    // ToolNode runs the calls in parallel: within an attempt, effects are recorded as they happen.
    const effects = [...record.effects!].sort((a, b) => a.attempt - b.attempt || a.toolCallId.localeCompare(b.toolCallId));
    expect(effects.map((e) => [e.tool, e.toolCallId, e.status])).toEqual([
      [publish.name, "publish_f", "dropped"],
      [ticket.name, "ticket_f", "compensated"],
      [publish.name, "publish_r", "executed"],
      [ticket.name, "ticket_r", "kept"],
    ]);
    const [dropped, compensated, executed, kept] = effects;
    // PostgreSQL (the table is shared by this file's tests: this run's keys only): exactly one row, the passing attempt's.
    const ours = new Set(effects.map((e) => e.key));
    expect((await world.table.rows()).filter((r) => ours.has(r.key)).map((r) => [r.key, r.body])).toEqual([[executed!.key, "report (r)"]]);
    expect(dropped!.key).not.toBe(executed!.key);
    // HTTP: the blocked attempt's ticket opened and closed, the passing attempt's opened once.
    const mine = world.endpoint.seen.filter((s) => s.key === compensated!.key || s.key === kept!.key);
    expect(mine.map((s) => [s.method, s.key === kept!.key ? "passing" : "blocked"])).toEqual([
      ["POST", "blocked"],
      ["DELETE", "blocked"],
      ["POST", "passing"],
    ]);
    expect([...world.endpoint.open.keys()].filter((k) => ours.has(k))).toEqual([kept!.key]);
    // The plain tool ran in each attempt, untouched by the guard.
    expect(lookups).toEqual(["0.85^5", "0.85^5"]);
    // The agent was told the deferred call was scheduled, not done.
    const scheduled = out.messages.filter((m) => ToolMessage.isInstance(m) && String(m.content).startsWith("scheduled: "));
    expect(scheduled).toHaveLength(1);
    expect(AIMessage.isInstance(out.messages.at(-1)) && out.messages.at(-1)!.content).toBe("0.85^5 is about 0.44.");
  });
});
