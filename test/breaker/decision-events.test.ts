import { afterEach, describe, expect, test, vi } from "vitest";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { withSemanticBreaker } from "../../src/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { httpError } from "./support/http-error.js";

afterEach(() => {
  vi.useRealTimers();
});

/** Records the `firebreak/breaker` child runs a tracer would see, with their parent and metadata. */
class DecisionRecorder extends BaseCallbackHandler {
  name = "DecisionRecorder";
  decisions: Array<{ parentRunId: string | undefined; metadata: Record<string, unknown> }> = [];
  // The manager calls (chain, inputs, runId, parentRunId, tags, metadata, runType, runName).
  override handleChainStart(...args: unknown[]) {
    const [, , , parentRunId, , metadata, , runName] = args as [unknown, unknown, string, string?, string[]?, Record<string, unknown>?, string?, string?];
    if (runName === "firebreak/breaker") this.decisions.push({ parentRunId, metadata: metadata ?? {} });
  }
}

const summary = (m: Record<string, unknown>) => ({
  decision: m["firebreak.decision"],
  provider: m["firebreak.provider"],
  from: m["firebreak.from"],
  state: m["firebreak.state"],
  probe: m["firebreak.probe"],
  kind: m["firebreak.kind"],
});

describe("breaker decisions as firebreak/breaker runs", () => {
  test("a transport failure that trips, then the half-open probe that closes the circuit again, are each one decision", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const primary = new ScriptedChatModel({ script: [{ error: httpError(503) }, "recovered answer"] });
    const backup = new ScriptedChatModel({ script: ["backup answer"] });
    const model = withSemanticBreaker(primary, { name: "primary", fallbacks: [{ model: backup, name: "backup" }], trip: 1, halfOpenAfter: 1_000 });
    const recorder = new DecisionRecorder();
    await model.invoke("q", { callbacks: [recorder] });
    await model.invoke("q", { callbacks: [recorder] }); // primary open: skipped, no decision
    vi.advanceTimersByTime(1_001);
    const answer = await model.invoke("q", { callbacks: [recorder] });
    expect(answer.content).toBe("recovered answer");
    expect(recorder.decisions.map((d) => summary(d.metadata))).toEqual([
      { decision: "failed", provider: "primary", from: "closed", state: "open", probe: false, kind: "server" },
      { decision: "transition", provider: "primary", from: "half-open", state: "closed", probe: true, kind: undefined },
    ]);
    expect(recorder.decisions[0]!.metadata["firebreak.tripped"]).toBe(true);
    expect(recorder.decisions[0]!.metadata["firebreak.failingCheck"]).toBeUndefined();
    expect(answer.response_metadata["firebreak.breaker.statesAfter"]).toBe("primary=closed,backup=closed");
  });

  test("a rejected answer that does not trip is a decision that leaves the circuit closed", async () => {
    const model = withSemanticBreaker(new ScriptedChatModel({ script: ["", "fine answer"] }), { name: "primary", trip: 3, retry: { attempts: 1, delayMs: 0 } });
    const recorder = new DecisionRecorder();
    await model.invoke("q", { callbacks: [recorder] });
    expect(recorder.decisions.map((d) => summary(d.metadata))).toEqual([
      { decision: "rejected", provider: "primary", from: "closed", state: "closed", probe: false, kind: "semantic" },
    ]);
    expect(recorder.decisions[0]!.metadata).toMatchObject({ "firebreak.failingCheck": "nonEmpty", "firebreak.attempt": 1 });
    expect(recorder.decisions[0]!.metadata["firebreak.tripped"]).toBeUndefined();
  });

  test("without callbacks the call still fails over and its answer reports the circuits after the call", async () => {
    const model = withSemanticBreaker(new ScriptedChatModel({ script: [""] }), { name: "primary", fallbacks: [new ScriptedChatModel({ script: ["backup"] })], trip: 1 });
    const answer = await model.invoke("q");
    expect(answer.content).toBe("backup");
    expect(answer.response_metadata["firebreak.breaker.statesAfter"]).toMatch(/^primary=open,/);
  });

  test('a streamMode "custom" writer passed in the call options receives each decision as a chunk', async () => {
    const chunks: unknown[] = [];
    const model = withSemanticBreaker(new ScriptedChatModel({ script: [""] }), { name: "primary", fallbacks: [new ScriptedChatModel({ script: ["backup"] })], trip: 1 });
    await model.invoke("q", { writer: (chunk: unknown) => chunks.push(chunk) } as never);
    expect(chunks).toEqual([
      {
        name: "firebreak/breaker",
        data: expect.objectContaining({ decision: "rejected", provider: "primary", state: "open", from: "closed", failingCheck: "nonEmpty" }),
      },
    ]);
  });
});
