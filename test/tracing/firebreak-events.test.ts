import { describe, expect, it, vi } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { RunnableLambda } from "@langchain/core/runnables";
import { Annotation, Command, END, GraphInterrupt, MemorySaver, START, StateGraph, interrupt } from "@langchain/langgraph";
import { emitFirebreakEvent, toFirebreakMetadata, withFirebreakRun } from "../../src/internal/events.js";
import { scriptedTraceModel } from "./support/scripted-model.js";

/** A handler with the signature LangChain actually calls handleChainStart with. */
class ChainStarts extends BaseCallbackHandler {
  name = "chain-starts";
  runs: { runId: string; parentRunId?: string; name?: string; metadata?: Record<string, unknown> }[] = [];
  customEvents: { name: string; data: unknown; runId: string }[] = [];
  llmParents: (string | undefined)[] = [];
  override async handleChainStart(
    _chain: Serialized,
    _inputs: unknown,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    name?: string,
  ) {
    this.runs.push({ runId, parentRunId, name, metadata });
  }
  override async handleCustomEvent(name: string, data: unknown, runId: string) {
    this.customEvents.push({ name, data, runId });
  }
  override async handleChatModelStart(_llm: Serialized, _messages: unknown, _runId: string, parentRunId?: string) {
    this.llmParents.push(parentRunId);
  }
  byName(name: string) {
    return this.runs.filter((r) => r.name === name);
  }
}

const State = Annotation.Root({ note: Annotation<string>() });

function breakerGraph() {
  return new StateGraph(State)
    .addNode("worker", async (_s, config) => {
      await emitFirebreakEvent("breaker", { state: "open", failingCheck: "empty-output" }, config);
      return { note: "done" };
    })
    .addEdge(START, "worker")
    .addEdge("worker", END)
    .compile();
}

/** A payload that records whether anything read it. */
function watchedPayload() {
  const reads: PropertyKey[] = [];
  const payload = new Proxy({ state: "open" } as Record<string, unknown>, {
    get(target, key) {
      reads.push(key);
      return Reflect.get(target, key);
    },
    ownKeys(target) {
      reads.push("ownKeys");
      return Reflect.ownKeys(target);
    },
  });
  return { payload, reads };
}

describe("emitFirebreakEvent", () => {
  it("does no work without a config", async () => {
    const { payload, reads } = watchedPayload();
    await emitFirebreakEvent("breaker", payload);
    expect(reads).toEqual([]);
  });

  it("does no work when the config has neither callbacks nor a writer", async () => {
    const { payload, reads } = watchedPayload();
    await emitFirebreakEvent("breaker", payload, { callbacks: [], tags: ["x"] });
    expect(reads).toEqual([]);
  });

  it("records a firebreak/<name> child run of the node, with firebreak.* metadata, for any callback handler", async () => {
    const recorder = new ChainStarts();
    await breakerGraph().invoke({ note: "" }, { callbacks: [recorder] });
    const [node] = recorder.byName("worker");
    const [event] = recorder.byName("firebreak/breaker");
    expect(event?.parentRunId).toBe(node?.runId);
    expect(event?.metadata).toMatchObject({
      "firebreak.event": "breaker",
      "firebreak.state": "open",
      "firebreak.failingCheck": "empty-output",
      langgraph_node: "worker",
    });
  });

  it("dispatches a firebreak/<name> custom event that streamEvents shows", async () => {
    const names: string[] = [];
    const data: unknown[] = [];
    for await (const event of breakerGraph().streamEvents({ note: "" }, { version: "v2" })) {
      if (event.event === "on_custom_event") {
        names.push(event.name);
        data.push(event.data);
      }
    }
    expect(names).toEqual(["firebreak/breaker"]);
    expect(data).toEqual([{ state: "open", failingCheck: "empty-output" }]);
  });

  it("writes a { name, data } chunk to streamMode custom", async () => {
    const chunks: unknown[] = [];
    for await (const chunk of await breakerGraph().stream({ note: "" }, { streamMode: "custom" })) chunks.push(chunk);
    expect(chunks).toEqual([{ name: "firebreak/breaker", data: { state: "open", failingCheck: "empty-output" } }]);
  });

  it("never throws when a handler that raises errors or the writer throws", async () => {
    const raising = new (class extends BaseCallbackHandler {
      name = "raising";
      override raiseError = true;
      // Awaited, so the error reaches the emitter instead of LangChain's background queue.
      override awaitHandlers = true;
      override async handleChainStart(): Promise<void> {
        throw new Error("tracer exploded");
      }
    })();
    const writer = () => {
      throw new Error("writer exploded");
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(emitFirebreakEvent("verdict", { verdict: "red" }, { callbacks: [raising], writer })).resolves.toBeUndefined();
      // LangChain logged the raising handler, so the error really was thrown at the emitter.
      expect(logged).toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it("rethrows LangGraph control flow instead of swallowing it", async () => {
    const bubble = new GraphInterrupt();
    const writer = () => {
      throw bubble;
    };
    await expect(emitFirebreakEvent("guard", { stage: "recover" }, { writer })).rejects.toBe(bubble);
  });
});

describe("withFirebreakRun", () => {
  it("calls fn with the same config and returns its value when nothing traces", async () => {
    const config = { tags: ["t"] };
    let seen: unknown;
    const value = await withFirebreakRun("guard", { stage: "challenge" }, config, (c) => {
      seen = c;
      return 42;
    });
    expect(value).toBe(42);
    expect(seen).toBe(config);
  });

  it("nests model calls made with the config it passes under the firebreak run", async () => {
    const recorder = new ChainStarts();
    const model = scriptedTraceModel("ok");
    const outer = RunnableLambda.from(async (_: string, config) =>
      withFirebreakRun("guard", { stage: "challenge", attempt: 2 }, config, (child) => model.invoke("check", child)),
    ).withConfig({ runName: "challenge" });
    const reply = await outer.invoke("x", { callbacks: [recorder] });
    expect(String(reply.content)).toBe("[scripted] ok");
    const [scope] = recorder.byName("firebreak/guard");
    expect(scope?.parentRunId).toBe(recorder.byName("challenge")[0]?.runId);
    expect(scope?.metadata).toMatchObject({ "firebreak.stage": "challenge", "firebreak.attempt": 2 });
    expect(recorder.llmParents).toEqual([scope?.runId]);
  });

  it("propagates fn's error unchanged", async () => {
    const failure = new Error("challenger down");
    await expect(
      withFirebreakRun("guard", {}, { callbacks: [new ChainStarts()] }, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
  });

  it("returns a Runnable that fn returns instead of invoking it", async () => {
    const runnable = RunnableLambda.from(() => "invoked");
    const value = await withFirebreakRun("guard", {}, { callbacks: [new ChainStarts()] }, () => runnable);
    expect(value).toBe(runnable);
  });

  it("lets interrupt() inside it pause the graph and resume with the answer", async () => {
    const graph = new StateGraph(State)
      .addNode("recover", async (_s, config) => {
        const answer = await withFirebreakRun("escalation", { policy: "hitl" }, config, () => interrupt("approve?"));
        return { note: String(answer) };
      })
      .addEdge(START, "recover")
      .addEdge("recover", END)
      .compile({ checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "hitl-1" }, callbacks: [new ChainStarts()] };
    await graph.invoke({ note: "" }, config);
    const paused = await graph.getState(config);
    expect(paused.tasks[0]?.interrupts[0]?.value).toBe("approve?");
    const done = await graph.invoke(new Command({ resume: "approved" }), config);
    expect(done.note).toBe("approved");
  });
});

describe("toFirebreakMetadata", () => {
  it("prefixes keys once and makes every value an attribute value", () => {
    expect(
      toFirebreakMetadata("claim", {
        claimId: "c1",
        "firebreak.status": "red",
        count: 2,
        ratio: Number.NaN,
        ok: true,
        ids: ["a", "b"],
        mixed: ["a", 1],
        origin: { node: "worker" },
        missing: undefined,
        none: null,
      }),
    ).toEqual({
      "firebreak.event": "claim",
      "firebreak.claimId": "c1",
      "firebreak.status": "red",
      "firebreak.count": 2,
      "firebreak.ratio": "NaN",
      "firebreak.ok": true,
      "firebreak.ids": ["a", "b"],
      "firebreak.mixed": '["a",1]',
      "firebreak.origin": '{"node":"worker"}',
      "firebreak.none": "null",
    });
  });
});
