/**
 * More attacks: the verdict event from a challenger node, breaker payload types, a write contract
 * violation, a supervisor routing outside its workers, ProviderFaultError not a firebreak error,
 * checkpointer listeners' shape.
 */
import { Annotation, END, MessagesAnnotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createChallenger } from "langgraph-firebreak/nodes";
import { providerError, ProviderFaultError } from "langgraph-firebreak/chaos";
import { ScriptedChatModel, scriptedJudge } from "langgraph-firebreak/testing";

const CATALOGUE = new Set<string>(root.FIREBREAK_EVENTS);
const judge = () => scriptedJudge(((c: { text: string }) => (c.text.includes("0.52") ? { verdict: "red", reasons: ["wrong"] } : { verdict: "green", reasons: ["ok"] })) as never);

describe("verdict event", () => {
  it("a createChallenger node emits firebreak/verdict with verifier, claimIds, verdicts, valid (custom stream and streamEvents)", async () => {
    const State = Annotation.Root({ ...MessagesAnnotation.spec, intent: root.intentChannel(), claims: root.claimsChannel({ verifiers: ["challenger"] }) });
    const make = () =>
      new StateGraph(State)
        .addNode("researcher", () => ({
          claims: [
            { id: "good", text: "0.85^5 is about 0.44", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 },
            { id: "bad", text: "0.85^5 is about 0.52", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 },
          ],
        }))
        .addNode("challenger", createChallenger({ model: judge() }), { metadata: { firebreak: { role: "verifier" } } })
        .addEdge(START, "researcher")
        .addEdge("researcher", "challenger")
        .addEdge("challenger", END)
        .compile();
    const chunks: Array<{ name: string; data: any }> = [];
    for await (const c of await make().stream({ intent: "compute 0.85^5", messages: [] }, { streamMode: "custom" })) chunks.push(c as never);
    expect(chunks.map((c) => c.name).filter((n) => !CATALOGUE.has(n))).toEqual([]);
    const v = chunks.filter((c) => c.name === root.FirebreakEvents.verdict);
    expect(v).toHaveLength(1);
    const d = v[0]!.data;
    expect(d.verifier).toBe("challenger");
    expect([...d.claimIds].sort()).toEqual(["bad", "good"]);
    expect(d.verdicts).toBeDefined();
    expect(typeof d.valid).toBe("boolean");
    const ev: string[] = [];
    for await (const e of make().streamEvents({ intent: "compute 0.85^5", messages: [] }, { version: "v2" })) if (e.event === "on_custom_event") ev.push(e.name);
    expect(ev).toContain("firebreak/verdict");
    expect(ev.filter((n) => !CATALOGUE.has(n))).toEqual([]);
  });
});

describe("breaker payloads", () => {
  it("firebreak/breaker payloads carry decision, provider, state (strings) on the custom stream", async () => {
    const primary = new ScriptedChatModel({ script: [{ text: "" }] } as never);
    const backup = new ScriptedChatModel({ script: [{ text: "fine answer" }] } as never);
    const model = root.withSemanticBreaker(primary, { name: "primary", fallbacks: [{ model: backup, name: "backup" }], trip: 1, checks: [root.nonEmpty()] } as never);
    const S = Annotation.Root({ out: Annotation<string>() });
    const g = new StateGraph(S)
      .addNode("ask", async (_s: unknown, config: LangGraphRunnableConfig) => ({ out: String((await model.invoke("q", config)).content) }))
      .addEdge(START, "ask").addEdge("ask", END).compile();
    const data: any[] = [];
    for await (const c of await g.stream({}, { streamMode: "custom" })) if ((c as any).name === root.FirebreakEvents.breaker) data.push((c as any).data);
    expect(data.length).toBeGreaterThan(0);
    for (const d of data) {
      expect(typeof d.decision).toBe("string");
      expect(typeof d.provider).toBe("string");
      expect(typeof d.state).toBe("string");
    }
    expect(data.some((d) => d.provider === "primary")).toBe(true);
  });
});

describe("other documented error paths", () => {
  it("a node writing a key its withWriteContract forbids is WriteContractError", async () => {
    const S = Annotation.Root({ a: Annotation<string>(), secret: Annotation<string>() });
    const node = root.withWriteContract((() => ({ a: "ok", secret: "leak" })) as never, { allowed: ["a"], claims: false } as never);
    const g = new StateGraph(S).addNode("w", node as never).addEdge(START, "w").addEdge("w", END).compile();
    const e = (await g.invoke({}).catch((x: unknown) => x)) as Error & { code: string };
    expect(root.isWriteContractError(e)).toBe(true);
    expect(e.code).toBe("WRITE_CONTRACT");
    expect(e.message).toContain("secret");
    expect(e.message).toContain("w");
  });

  it("ProviderFaultError (chaos) is on purpose not a firebreak error", () => {
    const e = providerError("429");
    expect(e).toBeInstanceOf(ProviderFaultError);
    expect(root.isFirebreakError(e)).toBe(false);
    for (const [k, g] of Object.entries(root)) if (/^is[A-Z]\w*Error$/.test(k)) expect((g as (x: unknown) => boolean)(e), k).toBe(false);
  });

  it("providerError with an unknown kind is InvalidOptionsError naming the allowed kinds", () => {
    let e: unknown;
    try {
      providerError("rate-limit" as never);
    } catch (x) {
      e = x;
    }
    expect(root.isInvalidOptionsError(e)).toBe(true);
    expect((e as Error).message).toMatch(/429/);
  });

  it("a TopologyError from assertTopology carries findings each with a fix", () => {
    const S = Annotation.Root({ x: Annotation<number>() });
    const b = new StateGraph(S).addNode("a", () => ({})).addNode("b", () => ({})).addEdge(START, "a").addEdge("a", "b").addEdge("b", "a");
    let err: any;
    try {
      root.assertTopology(b as never, { maxRelayDepth: 1 } as never);
    } catch (e) {
      err = e;
    }
    if (err === undefined) return; // nothing to assert if the rule held
    expect(root.isTopologyError(err) || root.isInvalidOptionsError(err)).toBe(true);
    if (root.isTopologyError(err)) {
      expect(err.findings.length).toBeGreaterThan(0);
      for (const f of err.findings) expect(typeof (f as any).fix).toBe("string");
    }
  });
});
