/**
 * The checkpointer's listeners (onUnavailable, onRecovered) and the `firebreak/rollback` event
 * `rollbackTo` emits, on each backend under test.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Checkpointer, type CheckpointerError, durableConfig, rollbackTo } from "../../checkpointers/index.js";
import { FirebreakEvents, type RollbackEventPayload } from "../../src/events.js";
import { checkpointerBackends, uniqueName } from "../support/backends.js";
import { linearGraph } from "../support/graphs.js";
import { refuseConnections } from "./support/refuse-connections.js";

class Recorder extends BaseCallbackHandler {
  name = "recorder";
  runs: Array<{ name: string | undefined; metadata: Record<string, unknown> | undefined }> = [];
  custom: Array<{ name: string; data: unknown }> = [];
  override handleChainStart(_c: unknown, _i: unknown, _runId: string, _p?: string, _tags?: string[], metadata?: Record<string, unknown>, _t?: string, runName?: string) {
    this.runs.push({ name: runName, metadata });
  }
  override handleCustomEvent(name: string, data: unknown) {
    this.custom.push({ name, data });
  }
}

describe.each(checkpointerBackends())("checkpointer events on $name", (backend) => {
  let cp: Checkpointer;
  beforeAll(async () => {
    cp = await backend.create();
  });
  afterAll(() => cp?.close());

  it("onUnavailable fires once when the database stops answering, onRecovered when a call succeeds again; dispose stops them", async () => {
    const graph = linearGraph(2).compile({ checkpointer: cp.saver });
    const unavailable: CheckpointerError[] = [];
    const recovered: number[] = [];
    const a = cp.onUnavailable((e) => unavailable.push(e));
    const b = cp.onRecovered((e) => recovered.push(e.downMs));
    await graph.invoke({ log: [] }, durableConfig(uniqueName("up")));
    expect(unavailable).toEqual([]);

    const outage = refuseConnections(cp);
    await expect(graph.invoke({ log: [] }, durableConfig(uniqueName("down")))).rejects.toMatchObject({ code: "CHECKPOINTER_UNREACHABLE" });
    await expect(graph.invoke({ log: [] }, durableConfig(uniqueName("down")))).rejects.toMatchObject({ code: "CHECKPOINTER_UNREACHABLE" });
    outage.restore();
    expect(unavailable.map((e) => [e.code, e.reason])).toEqual([["CHECKPOINTER_UNREACHABLE", "refused"]]);
    expect(recovered).toEqual([]);

    await graph.invoke({ log: [] }, durableConfig(uniqueName("back")));
    expect(recovered).toHaveLength(1);
    expect(recovered[0]).toBeGreaterThanOrEqual(0);

    a.dispose();
    b.dispose();
    const again = refuseConnections(cp);
    await expect(graph.invoke({ log: [] }, durableConfig(uniqueName("down")))).rejects.toMatchObject({ code: "CHECKPOINTER_UNREACHABLE" });
    again.restore();
    await graph.invoke({ log: [] }, durableConfig(uniqueName("back")));
    expect(unavailable).toHaveLength(1);
    expect(recovered).toHaveLength(1);
  });

  it("rollbackTo emits firebreak/rollback: a run with firebreak.* metadata (a span under tracing) and a custom-stream chunk", async () => {
    const graph = linearGraph(4).compile({ checkpointer: cp.saver });
    const threadId = uniqueName("rollback");
    await graph.invoke({ log: [] }, durableConfig(threadId));
    const recorder = new Recorder();
    const chunks: Array<{ name: string; data: RollbackEventPayload }> = [];
    const result = await rollbackTo(
      graph,
      { ...durableConfig(threadId), callbacks: [recorder], writer: (c: unknown) => chunks.push(c as never) } as never,
      { beforeNode: "writer" },
    );
    const run = recorder.runs.find((r) => r.name === FirebreakEvents.rollback);
    expect(run?.metadata).toMatchObject({
      "firebreak.event": "rollback",
      "firebreak.threadId": threadId,
      "firebreak.checkpointId": result.target.config.configurable?.["checkpoint_id"],
      "firebreak.forkCheckpointId": result.config.configurable?.["checkpoint_id"],
      "firebreak.next": ["writer"],
    });
    // Called between runs there is no parent run, so no custom event (LangChain dispatches those only inside a run).
    expect(recorder.custom).toEqual([]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ name: "firebreak/rollback", data: { threadId, next: ["writer"], target: 'a checkpoint before node "writer"', skipped: 1 } });
  });

  it("rollbackTo emits nothing and builds nothing when the config has no callbacks and no writer", async () => {
    const graph = linearGraph(3).compile({ checkpointer: cp.saver });
    const threadId = uniqueName("quiet");
    await graph.invoke({ log: [] }, durableConfig(threadId));
    const result = await rollbackTo(graph, durableConfig(threadId), { beforeNode: "writer" });
    expect(result.target.next).toEqual(["writer"]);
  });
});
