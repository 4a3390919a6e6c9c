/**
 * Attacks on "a recorded effect is run or undone by the tool that recorded it" (docs/effects.md, Limits), in one
 * process: two tools of one name with different modes, tools made per request or per attempt with closures.
 * The restart half (the latest tool of the name in a new process) is in restart.int.test.ts.
 */
import { MemorySaver } from "@langchain/langgraph";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { effectTool } from "langgraph-firebreak";
import { readGuardFeedback } from "langgraph-firebreak/nodes";
import { claim, guardedGraph, tid, uniqueName } from "../attacks/harness.js";
import { entries } from "./kit.js";

const deferAs = (name: string, who: string, log: string[]) => effectTool({
  name, description: "d", schema: z.object({ v: z.string() }), mode: "defer",
  run: ({ v }) => { log.push(`${who} ran ${v}`); return who; },
});
const compensateAs = (name: string, who: string, log: string[]) => effectTool({
  name, description: "c", schema: z.object({ v: z.string() }), mode: "compensate",
  run: ({ v }) => { log.push(`${who} ran ${v}`); return who; },
  compensate: ({ v }, result) => { log.push(`${who} undid ${v} (result ${String(result)})`); },
});

describe("two tools of one name in one process", () => {
  it("a defer tool and a compensate tool sharing a name: each effect is run / undone / dropped by its own tool, none by the other", async () => {
    const log: string[] = [];
    const name = uniqueName("shared");
    const later = deferAs(name, "D", log);
    const now = compensateAs(name, "C", log);
    const { graph } = guardedGraph(async (_s, config) => {
      const tag = readGuardFeedback(config) ? "good" : "bad";
      await now.invoke({ v: `c-${tag}` }, config);
      await later.invoke({ v: `d-${tag}` }, config);
      return claim(tag);
    });
    const out = await graph.invoke({});
    expect(log).toEqual(["C ran c-bad", "C undid c-bad (result C)", "C ran c-good", "D ran d-good"]);
    expect(entries(out.guardRecords).map((e) => `${e.mode}:${e.status}`)).toEqual(["compensate:compensated", "defer:dropped", "compensate:kept", "defer:executed"]);
  });

  it("a defer tool created after a compensate tool of the same name, interleaved calls in a blocked attempt: the compensate tool undoes only its own", async () => {
    const log: string[] = [];
    const name = uniqueName("shared2");
    const now = compensateAs(name, "C", log);
    const later = deferAs(name, "D", log);
    const { graph } = guardedGraph(async (_s, config) => {
      await now.invoke({ v: "1" }, config);
      await later.invoke({ v: "2" }, config);
      await now.invoke({ v: "3" }, config);
      return claim("bad");
    }, { maxAttempts: 1, onExhausted: "degrade" });
    await graph.invoke({});
    expect(log).toEqual(["C ran 1", "C ran 3", "C undid 3 (result C)", "C undid 1 (result C)"]);
  });
});

describe("tools made with closures", () => {
  it("two concurrent requests each create their own tool (same name) bound to their own sink: each deferred effect lands in its own request's sink", async () => {
    const name = uniqueName("perrequest");
    const request = async (who: string) => {
      const sink: string[] = [];
      const tool = deferAs(name, who, sink);
      const { graph } = guardedGraph(async (_s, config) => {
        await Promise.resolve();
        await tool.invoke({ v: who }, config);
        return claim("fine");
      }, {}, new MemorySaver());
      await graph.invoke({}, { configurable: { thread_id: tid(who) } });
      return sink;
    };
    const [a, b] = await Promise.all([request("A"), request("B")]);
    expect(a).toEqual(["A ran A"]);
    expect(b).toEqual(["B ran B"]);
  });

  it("a tool created inside the producer on every attempt (same name, a closure over the attempt): attempt 1's effect is undone by attempt 1's tool", async () => {
    const log: string[] = [];
    const name = uniqueName("perattempt");
    const { graph } = guardedGraph(async (_s, config) => {
      const n = (readGuardFeedback(config)?.attempt ?? 0) + 1;
      const tool = compensateAs(name, `tool-of-attempt-${n}`, log);
      const publish = deferAs(`${name}_p`, `publisher-of-attempt-${n}`, log);
      await tool.invoke({ v: `a${n}` }, config);
      await publish.invoke({ v: `p${n}` }, config);
      return claim(n === 1 ? "bad" : "fine");
    });
    await graph.invoke({});
    expect(log).toEqual([
      "tool-of-attempt-1 ran a1", "tool-of-attempt-1 undid a1 (result tool-of-attempt-1)",
      "tool-of-attempt-2 ran a2", "publisher-of-attempt-2 ran p2",
    ]);
  });

  it("a deferred effect recorded by tool v1 whose name gets a newer tool v2 before the commit: v1 runs it", async () => {
    const log: string[] = [];
    const name = uniqueName("replaced");
    const v1 = deferAs(name, "v1", log);
    const { graph } = guardedGraph(async (_s, config) => {
      await v1.invoke({ v: "x" }, config);
      deferAs(name, "v2", log); // a newer tool of the same name appears while the effect waits
      return claim("fine");
    });
    await graph.invoke({});
    expect(log).toEqual(["v1 ran x"]);
  });

  it("an escalated request approved later, after another request created a same-name tool over another sink: the effect lands in the recorder's sink", async () => {
    const name = uniqueName("approvelater");
    const { Command } = await import("@langchain/langgraph");
    const saver = new MemorySaver();
    const build = (sink: string[], who: string) => {
      const tool = deferAs(name, who, sink);
      return guardedGraph(async (_s, config) => { await tool.invoke({ v: who }, config); return claim(`bad ${who}`); },
        { maxAttempts: 1, onExhausted: "interrupt" }, saver).graph;
    };
    const sink1: string[] = [];
    const sink2: string[] = [];
    const config1 = { configurable: { thread_id: tid("approve1") } };
    await build(sink1, "first").invoke({}, config1);
    await build(sink2, "second").invoke({}, { configurable: { thread_id: tid("approve2") } });
    const sink1again: string[] = [];
    await build(sink1again, "first-again").invoke(new Command({ resume: { action: "approve" } }), config1);
    expect(sink2).toEqual([]);
    expect(sink1).toEqual(["first ran first"]);
    expect(sink1again).toEqual([]);
  });
});
