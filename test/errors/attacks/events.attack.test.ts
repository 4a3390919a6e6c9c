/**
 * Attacks on docs/events.md: the catalogue is exactly what is emitted, payloads have the
 * documented fields, listeners fire when documented, dispose stops them, a throwing listener
 * never breaks the run or the other listeners.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { Annotation, END, MemorySaver, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createBicrGuard, createChallenger, guardNodeInPlace, guardOf, guardRecordsChannel, type BicrEventPayload } from "langgraph-firebreak/nodes";
import { rollbackTo } from "langgraph-firebreak/checkpointers";
import { createCampaign, createCascadeGraph, type CampaignTrialEvent } from "langgraph-firebreak/chaos";
import { ScriptedChatModel, scriptedJudge } from "langgraph-firebreak/testing";

const CATALOGUE = new Set<string>(root.FIREBREAK_EVENTS);

const State = Annotation.Root({
  claims: root.claimsChannel({ verifiers: ["challenger", "human"] }),
  draft: Annotation<string>(),
  guardRecords: guardRecordsChannel(),
});
const judge = () => scriptedJudge(((c: { text: string }) => (c.text.includes("0.52") ? { verdict: "red", reasons: ["wrong"] } : { verdict: "green", reasons: ["ok"] })) as never);

/** Producer: first attempt false, then true. */
function producer() {
  let n = 0;
  return async () => {
    n++;
    const text = n === 1 ? "0.85^5 is about 0.52" : "0.85^5 is about 0.44";
    return { draft: text, claims: [{ text, origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 }] };
  };
}

function plainBuilder(prod = producer()) {
  return new StateGraph(State)
    .addNode("researcher", prod as never)
    .addNode("reader", (s: { draft: string }) => ({ draft: `${s.draft}!` }))
    .addEdge(START, "researcher")
    .addEdge("researcher", "reader")
    .addEdge("reader", END);
}
function guardedBuilder(opts: Record<string, unknown> = {}) {
  return guardNodeInPlace(plainBuilder(), "researcher", { challenger: createChallenger({ model: judge() }), ...opts } as never);
}

class CustomRecorder extends BaseCallbackHandler {
  name = "custom-recorder";
  custom: string[] = [];
  chains: string[] = [];
  override async handleCustomEvent(eventName: string) {
    this.custom.push(eventName);
  }
  override handleChainStart(...args: unknown[]) {
    const runName = args[7] as string | undefined;
    if (runName?.startsWith("firebreak")) this.chains.push(runName);
  }
}

describe("catalogue", () => {
  it("FIREBREAK_EVENTS equals the values of FirebreakEvents and the documented five names", () => {
    expect([...root.FIREBREAK_EVENTS].sort()).toEqual(Object.values(root.FirebreakEvents).sort());
    expect([...root.FIREBREAK_EVENTS].sort()).toEqual(["firebreak/bicr", "firebreak/breaker", "firebreak/breaker-rejected", "firebreak/rollback", "firebreak/verdict"]);
  });

  it("streamMode custom: only catalogue names; bicr appears with documented payload types", async () => {
    const graph = guardedBuilder().compile();
    const names: string[] = [];
    const bicr: BicrEventPayload[] = [];
    const verdict: Array<Record<string, unknown>> = [];
    for await (const chunk of await graph.stream({ draft: "" }, { streamMode: "custom" })) {
      const { name, data } = chunk as { name: string; data: any };
      names.push(name);
      if (name === root.FirebreakEvents.bicr) bicr.push(data);
      if (name === root.FirebreakEvents.verdict) verdict.push(data);
    }
    expect(names.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    expect(bicr.length).toBeGreaterThan(0);
    for (const e of bicr) {
      expect(typeof e.guard).toBe("string");
      expect(["buffer", "challenge", "isolate", "recover", "escalate", "commit"]).toContain(e.stage);
      expect(typeof e.attempt).toBe("number");
      expect(typeof e.maxAttempts).toBe("number");
    }
    for (const v of verdict) {
      expect(typeof v["verifier"]).toBe("string");
      expect(Array.isArray(v["claimIds"])).toBe(true);
      expect(v["verdicts"]).toBeDefined();
      expect(typeof v["valid"]).toBe("boolean");
    }
  });

  it("streamEvents v2 and callbacks: every custom event name is in the catalogue", async () => {
    const graph = guardedBuilder().compile();
    const names: string[] = [];
    for await (const ev of graph.streamEvents({ draft: "" }, { version: "v2" })) {
      if (ev.event === "on_custom_event") names.push(ev.name);
    }
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    const rec = new CustomRecorder();
    await guardedBuilder().compile().invoke({ draft: "" }, { callbacks: [rec] });
    expect(rec.custom.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    expect(rec.chains.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    expect(rec.custom).toContain("firebreak/bicr");
  });

  // Found by this attack: docs/events.md promised every decision as a child run, but the guard's stages
  // reach an ordinary handler only as custom events (a stage's run carries the blocked attempt, which the
  // guard's seal keeps from everything but tracers). The page now says so; this pins the narrowed promise:
  // an ordinary handler gets firebreak/bicr custom events and no firebreak/bicr child run. (That tracers get
  // the stages as spans is checked by examples/readme/tracing.ts and test/tracing.)
  it("with an ordinary callback handler, guard decisions are firebreak/bicr custom events, not child runs", async () => {
    const rec = new CustomRecorder();
    await guardedBuilder().compile().invoke({ draft: "" }, { callbacks: [rec] });
    expect(rec.custom).toContain("firebreak/bicr");
    expect(rec.chains).not.toContain("firebreak/bicr");
  });

  it("the breaker emits firebreak/breaker and firebreak/breaker-rejected, nothing else, inside a node", async () => {
    const make = () => {
      const primary = new ScriptedChatModel({ script: [{ text: "" }] } as never);
      const backup = new ScriptedChatModel({ script: [{ text: "fine answer" }] } as never);
      const model = root.withSemanticBreaker(primary, { name: "primary", fallbacks: [{ model: backup, name: "backup" }], trip: 1, checks: [root.nonEmpty()] } as never);
      const S = Annotation.Root({ out: Annotation<string>() });
      return new StateGraph(S)
        .addNode("ask", async (_s: unknown, config: LangGraphRunnableConfig) => ({ out: String((await model.invoke("q", config)).content) }))
        .addEdge(START, "ask").addEdge("ask", END).compile();
    };
    const custom: string[] = [];
    for await (const chunk of await make().stream({}, { streamMode: "custom" })) custom.push((chunk as { name: string }).name);
    expect(custom.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    expect(custom).toContain("firebreak/breaker");
    const ev: string[] = [];
    for await (const e of make().streamEvents({}, { version: "v2" })) if (e.event === "on_custom_event") ev.push(e.name);
    expect(ev.filter((n) => !CATALOGUE.has(n))).toEqual([]);
    expect(ev).toContain("firebreak/breaker-rejected");
    expect(ev).toContain("firebreak/breaker");
    const rec = new CustomRecorder();
    await make().invoke({}, { callbacks: [rec] });
    expect(rec.chains).toEqual(["firebreak/breaker"]);
    expect(rec.custom.filter((n) => !CATALOGUE.has(n))).toEqual([]);
  });

  it("rollbackTo emits firebreak/rollback with the documented payload to a writer and as a span with callbacks", async () => {
    const S = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    const g = new StateGraph(S).addNode("a", () => ({ n: 1 })).addNode("b", () => ({ n: 10 })).addEdge(START, "a").addEdge("a", "b").addEdge("b", END).compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "rb-ev" } };
    await g.invoke({ n: 0 }, cfg);
    const chunks: Array<{ name: string; data: any }> = [];
    const rec = new CustomRecorder();
    await rollbackTo(g as never, { ...cfg, writer: (c: unknown) => chunks.push(c as never), callbacks: [rec] } as never, { beforeNode: "b" } as never);
    expect(chunks.map((c) => c.name)).toEqual(["firebreak/rollback"]);
    const d = chunks[0]!.data;
    for (const k of ["threadId", "checkpointId", "step", "forkCheckpointId", "next", "target", "skipped"]) expect(d, k).toHaveProperty(k);
    expect(d.threadId).toBe("rb-ev");
    expect(d.next).toEqual(["b"]);
    expect(rec.chains).toEqual(["firebreak/rollback"]);
  });
});

describe("guard listeners", () => {
  it("the same listener added twice: each registration fires, dispose of one leaves the other", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    const seen: string[] = [];
    const fn = (e: BicrEventPayload) => seen.push(`${e.stage}#${e.attempt}`);
    const s1 = guard.onCommit(fn);
    guard.onCommit(fn);
    await b.compile().invoke({ draft: "" });
    expect(seen).toEqual(["commit#2", "commit#2"]);
    s1.dispose();
    seen.length = 0;
    // the producer now passes first time (n > 1)
    await b.compile().invoke({ draft: "" });
    expect(seen).toEqual(["commit#1"]);
  });

  it("dispose() is idempotent: disposing one registration twice leaves the other registration", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    const seen: string[] = [];
    const fn = (e: BicrEventPayload) => seen.push(e.stage);
    const s1 = guard.onCommit(fn);
    guard.onCommit(fn);
    s1.dispose();
    s1.dispose();
    await b.compile().invoke({ draft: "" });
    expect(seen).toEqual(["commit"]);
  });

  it("a throwing listener (sync, async, non-Error) does not break the run", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    guard.onStage(() => { throw new Error("bug1"); });
    guard.onStage((async () => { throw new Error("async bug"); }) as never);
    guard.onVerdict(() => { throw new Error("bug2"); });
    guard.onCommit(() => { throw "a string"; });
    const out = await b.compile().invoke({ draft: "" });
    expect(out.draft).toBe("0.85^5 is about 0.44!");
  });

  it("a throwing listener does not stop the other listeners", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    const seen: string[] = [];
    guard.onStage(() => { throw new Error("bug1"); });
    guard.onStage((async () => { throw new Error("async bug"); }) as never);
    guard.onStage((e) => seen.push(e.stage));
    guard.onVerdict(() => { throw new Error("bug2"); });
    guard.onCommit(() => { throw "a string"; });
    const out = await b.compile().invoke({ draft: "" });
    expect(out.draft).toBe("0.85^5 is about 0.44!");
    expect(seen).toContain("commit");
    expect(seen).toContain("recover");
  });

  it("a listener added during a run (from another listener) hears the later decisions of that run", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    const late: string[] = [];
    let added = false;
    guard.onStage((e) => {
      if (!added && e.stage === "recover") {
        added = true;
        guard.onStage((x) => late.push(x.stage));
      }
    });
    await b.compile().invoke({ draft: "" });
    expect(late[0]).toBe("buffer");
    expect(late).toContain("commit");
  });

  it("a listener that disposes itself during dispatch does not make others skip", async () => {
    const b = guardedBuilder();
    const guard = guardOf(b, "researcher")!;
    const a: string[] = [];
    const c: string[] = [];
    const sub = guard.onStage((e) => { a.push(e.stage); sub.dispose(); });
    guard.onStage((e) => c.push(e.stage));
    await b.compile().invoke({ draft: "" });
    expect(a).toEqual(["buffer"]);
    expect(c[0]).toBe("buffer");
    expect(c).toContain("commit");
  });

  it("onEscalation fires for onExhausted fail, with mode fail, before the GuardExhaustedError", async () => {
    const always = async () => ({ draft: "0.52", claims: [{ text: "0.85^5 is about 0.52", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 }] });
    const b = guardNodeInPlace(plainBuilder(always as never), "researcher", { challenger: createChallenger({ model: judge() }), maxAttempts: 2, onExhausted: "fail" } as never);
    const guard = guardOf(b, "researcher")!;
    const modes: unknown[] = [];
    const commits: unknown[] = [];
    guard.onEscalation((e) => modes.push(e["mode"]));
    guard.onCommit((e) => commits.push(e));
    const err = await b.compile().invoke({ draft: "" }).catch((e: unknown) => e);
    expect(root.isGuardExhaustedError(err)).toBe(true);
    expect(modes).toEqual(["fail"]);
    expect(commits).toEqual([]);
  });

  it("createBicrGuard has the same listeners as guardOf(...)", () => {
    const g = createBicrGuard({ producer: producer() as never, challenger: createChallenger({ model: judge() }), state: State } as never);
    for (const k of ["onStage", "onVerdict", "onRollback", "onEscalation", "onCommit"]) expect(typeof (g as any)[k], k).toBe("function");
    const sub = (g as any).onStage(() => {});
    expect(typeof sub.dispose).toBe("function");
  });
});

describe("breaker listeners", () => {
  // The same run twice: plain listeners, then with a throwing onRejected listener registered first,
  // which must change neither the answers nor what the other listeners hear.
  it.each([
    ["onRejected per rejection, onBreak/onStateChange at trip; dispose stops", false],
    ["a throwing breaker listener never breaks the call", true],
  ] as const)("%s", async (_name, throwingFirst) => {
    const primary = new ScriptedChatModel({ script: [{ text: "" }] } as never);
    const backup = new ScriptedChatModel({ script: [{ text: "fine" }] } as never);
    const model = root.withSemanticBreaker(primary, { name: "primary", fallbacks: [{ model: backup, name: "backup" }], trip: 2, halfOpenAfter: 60_000, checks: [root.nonEmpty()] } as never) as any;
    const seen: string[] = [];
    if (throwingFirst) model.onRejected(() => { throw new Error("listener bug"); });
    const r = model.onRejected(() => seen.push("rejected"));
    model.onBreak(() => seen.push("break"));
    model.onStateChange(() => seen.push("state"));
    model.onReset(() => seen.push("reset"));
    model.onHalfOpen(() => seen.push("half"));
    expect(String((await model.invoke("q")).content)).toBe("fine");
    expect(seen).toEqual(["rejected"]);
    r.dispose();
    expect(String((await model.invoke("q")).content)).toBe("fine");
    expect(seen.filter((s) => s === "rejected")).toHaveLength(1);
    expect(seen).toContain("break");
    expect(seen).toContain("state");
    expect(seen).not.toContain("reset");
  });
});

describe("campaign listeners", () => {
  it("onTrial: dispose during the run stops; same listener twice fires twice", async () => {
    const star = () => createCascadeGraph({ workers: 3, adoption: 0.7, correction: 0.05 });
    const campaign = createCampaign(star, { input: { task: "capital?" }, faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }], targets: ["hub"], trials: 2, seed: 3 } as never);
    const seen: number[] = [];
    const fn = (e: CampaignTrialEvent) => seen.push(e.done);
    const s = campaign.onTrial(fn);
    campaign.onTrial(fn);
    let stop = false;
    campaign.onTrial(() => { if (!stop) { stop = true; s.dispose(); } });
    await campaign.run();
    expect(seen).toEqual([1, 1, 2]);
  });

  it("onTrial: a throwing listener does not break the campaign", async () => {
    const star = () => createCascadeGraph({ workers: 3, adoption: 0.7, correction: 0.05 });
    const campaign = createCampaign(star, { input: { task: "capital?" }, faults: [{ kind: "falsehood", text: "The capital of Australia is", value: "Sydney" }], targets: ["hub"], trials: 2, seed: 3 } as never);
    const seen: number[] = [];
    const fn = (e: CampaignTrialEvent) => seen.push(e.done);
    campaign.onTrial(() => { throw new Error("bug"); });
    const s = campaign.onTrial(fn);
    campaign.onTrial(fn);
    let stop = false;
    campaign.onTrial(() => { if (!stop) { stop = true; s.dispose(); } });
    const report = await campaign.run();
    expect(report.rows.length).toBeGreaterThan(0);
    expect(seen).toEqual([1, 1, 2]);
  });
});
