/**
 * Real errors provoked through the public API: each is the documented class and code with the
 * documented fields, and the message says what, where and what to do.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Annotation, Command, END, GraphInterrupt, MemorySaver, START, StateGraph, interrupt, isGraphBubbleUp, isGraphInterrupt } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createBicrGuard, createChallenger, guardRecordsChannel } from "langgraph-firebreak/nodes";
import { assertThreadExists, createCheckpointer, rollbackTo } from "langgraph-firebreak/checkpointers";
import { injectFaults } from "langgraph-firebreak/chaos";
import { ScriptedChatModel, scriptedJudge } from "langgraph-firebreak/testing";

const run = promisify(execFile);

const redJudge = () => scriptedJudge(() => ({ verdict: "red", reasons: ["scripted: false"] }) as never);
const greenJudge = () => scriptedJudge(() => ({ verdict: "green", reasons: ["scripted: ok"] }) as never);

const State = Annotation.Root({
  claims: root.claimsChannel({ verifiers: ["challenger", "human"] }),
  draft: Annotation<string>(),
  guardRecords: guardRecordsChannel(),
});

const producer = async () => ({
  draft: "0.85^5 is about 0.52",
  claims: [{ text: "0.85^5 is about 0.52", origin: { agent: "researcher", source: "model" as const }, confidence: 0.9 }],
});

function guarded(onExhausted: "fail" | "interrupt" | "degrade", judge = redJudge(), prod: (...a: never[]) => unknown = producer) {
  const guard = createBicrGuard({ producer: prod as never, challenger: createChallenger({ model: judge }), state: State, maxAttempts: 2, onExhausted } as never);
  return new StateGraph(State).addNode("researcher", guard as never).addEdge(START, "researcher").addEdge("researcher", END);
}

async function caught(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("bad options are InvalidOptionsError with problems naming the option", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["withSemanticBreaker trip kind", () => root.withSemanticBreaker(new ScriptedChatModel({ script: [{ text: "x" }] } as never), { trip: { kind: "rate" } } as never), "trip"],
    ["withSemanticBreaker halfOpenAfter NaN", () => root.withSemanticBreaker(new ScriptedChatModel({ script: [{ text: "x" }] } as never), { halfOpenAfter: Number.NaN } as never), "halfOpenAfter"],
    ["withSemanticBreaker unknown key", () => root.withSemanticBreaker(new ScriptedChatModel({ script: [{ text: "x" }] } as never), { trpi: 3 } as never), "trpi"],
    ["createBicrGuard maxAttempts 0", () => createBicrGuard({ producer, challenger: createChallenger({ model: redJudge() }), state: State, maxAttempts: 0 } as never), "maxAttempts"],
    ["createBicrGuard onExhausted bogus", () => createBicrGuard({ producer, challenger: createChallenger({ model: redJudge() }), state: State, onExhausted: "explode" } as never), "onExhausted"],
    ["claimsChannel bad verifiers", () => root.claimsChannel({ verifiers: 7 } as never), "verifiers"],
    ["createChallenger without model", () => createChallenger({} as never), "model"],
  ];
  it.each(cases)("%s", async (_n, make, option) => {
    const e = (await caught(make)) as root.InvalidOptionsError;
    expect(root.isInvalidOptionsError(e)).toBe(true);
    expect(e.code).toBe("INVALID_OPTIONS");
    expect(Array.isArray(e.problems)).toBe(true);
    expect(e.problems.length).toBeGreaterThan(0);
    expect(e.problems.map((p) => p.option).join(" ")).toContain(option);
    for (const p of e.problems) {
      expect(typeof p.option).toBe("string");
      expect(p).toHaveProperty("received");
      expect(p).toHaveProperty("allowed");
    }
    expect(e.message).toContain(option);
  });

  it("createCheckpointer with bad options is InvalidOptionsError, not a checkpointer error", async () => {
    const e = await caught(createCheckpointer({ poolSize: -1, url: "postgres://postgres@127.0.0.1:1/x" } as never));
    expect(root.isInvalidOptionsError(e)).toBe(true);
    expect(root.isCheckpointerError(e)).toBe(false);
    expect((e as root.InvalidOptionsError).problems[0]!.option).toContain("poolSize");
  });

  it("createCheckpointer with an unknown option is InvalidOptionsError", async () => {
    const e = await caught(createCheckpointer({ urll: "postgres://x" } as never));
    expect(root.isInvalidOptionsError(e)).toBe(true);
  });
});

describe("guard errors", () => {
  it("onExhausted: 'fail' throws GuardExhaustedError with a record; shared state unchanged", async () => {
    const graph = guarded("fail").compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "ge" } };
    const e = (await caught(graph.invoke({ draft: "before" }, cfg))) as root.GuardExhaustedError;
    expect(root.isGuardExhaustedError(e)).toBe(true);
    expect(e.code).toBe("GUARD_EXHAUSTED");
    expect(e.record).toBeDefined();
    expect(e.record.attempts.length).toBe(2);
    expect(e.message).toMatch(/researcher|guard/);
    expect(e.message).toMatch(/maxAttempts|interrupt|degrade/);
    const st = await graph.getState(cfg);
    expect(st.values.draft).toBe("before");
    expect((st.values.claims as { items?: unknown[] } | undefined)?.items?.length ?? 0).toBe(0);
  });

  it("a bad escalation resume is InvalidResumeError, naming the allowed actions", async () => {
    const graph = guarded("interrupt").compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "esc" } };
    await graph.invoke({ draft: "before" }, cfg);
    const st = await graph.getState(cfg);
    expect(st.tasks.some((t) => t.interrupts.length > 0)).toBe(true);
    const e = (await caught(graph.invoke(new Command({ resume: { action: "maybe" } }), cfg))) as Error & { code: string };
    expect(root.isInvalidResumeError(e)).toBe(true);
    expect(e.code).toBe("INVALID_RESUME");
    expect(e.message).toMatch(/approve/);
    expect(e.message).toMatch(/reject/);
    expect(e.message).toMatch(/edit/);
  });

  it("a producer returning an array is InvalidOutputError with source/expected/received", async () => {
    const graph = guarded("fail", greenJudge(), (async () => [1, 2]) as never).compile();
    const e = (await caught(graph.invoke({ draft: "x" }))) as root.InvalidOutputError & { source: string; expected: string; received: string };
    expect(root.isInvalidOutputError(e)).toBe(true);
    expect(e.code).toBe("INVALID_OUTPUT");
    expect(typeof e.source).toBe("string");
    expect(typeof e.expected).toBe("string");
    expect(typeof e.received).toBe("string");
  });
});

describe("control flow passes through unchanged", () => {
  it("an interrupt() inside a guarded producer is not wrapped", async () => {
    const prod = async () => {
      const v = interrupt("need a human");
      return { draft: String(v) };
    };
    const graph = guarded("fail", greenJudge(), prod as never).compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "int" } };
    const out = await graph.invoke({ draft: "a" }, cfg);
    expect((out as Record<string, unknown>)["__interrupt__"]).toBeDefined();
    const st = await graph.getState(cfg);
    expect(st.tasks[0]!.interrupts[0]!.value).toBe("need a human");
  });

  it("an interrupt thrown through a guarded node with no checkpointer surfaces as a GraphInterrupt-like (not a firebreak error)", async () => {
    const prod = async () => {
      throw new GraphInterrupt([{ value: "x" } as never]);
    };
    const graph = guarded("fail", greenJudge(), prod as never).compile();
    let e: unknown;
    try {
      e = await graph.invoke({ draft: "a" });
    } catch (err) {
      e = err;
    }
    expect(root.isFirebreakError(e)).toBe(false);
  });

  it("Command({ graph: Command.PARENT }) from a guarded producer inside a subgraph reaches the parent", async () => {
    const prod = async () => new Command({ graph: Command.PARENT, goto: "after", update: { draft: "from child" } });
    const inner = guarded("fail", greenJudge(), prod as never).compile();
    const Parent = Annotation.Root({ draft: Annotation<string>(), claims: root.claimsChannel({ verifiers: ["challenger", "human"] }), guardRecords: guardRecordsChannel() });
    const parent = new StateGraph(Parent)
      .addNode("child", inner as never, { ends: ["after"] })
      .addNode("after", (s: { draft: string }) => ({ draft: `${s.draft} then after` }))
      .addEdge(START, "child")
      .addEdge("after", END)
      .compile();
    const out = await parent.invoke({ draft: "start" });
    expect(out.draft).toBe("from child then after");
  });

  it("a GraphBubbleUp thrown by a plain producer is never a firebreak error", async () => {
    const err = new GraphInterrupt([]);
    expect(isGraphBubbleUp(err)).toBe(true);
    expect(isGraphInterrupt(err)).toBe(true);
    expect(root.isFirebreakError(err)).toBe(false);
  });
});

describe("checkpointer errors", () => {
  it("a closed port is CheckpointerUnreachableError (reason refused), naming host:port, no password", async () => {
    const e = (await caught(createCheckpointer({ url: "postgres://postgres:s3cret@127.0.0.1:1/x", connectTimeoutMs: 2000 } as never))) as Error & { code: string; reason: string };
    expect(root.isCheckpointerUnreachableError(e)).toBe(true);
    expect(root.isCheckpointerError(e)).toBe(true);
    expect(e.code).toBe("CHECKPOINTER_UNREACHABLE");
    expect(e.reason).toBe("refused");
    expect(e.message).toContain("127.0.0.1:1");
    expect(e.message).not.toContain("s3cret");
    expect(JSON.stringify(e)).not.toContain("s3cret");
    expect(String((e as { stack?: string }).stack)).not.toContain("s3cret");
  });

  const simple = () => {
    const S = Annotation.Root({ n: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });
    return new StateGraph(S).addNode("a", () => ({ n: 1 })).addNode("b", () => ({ n: 10 })).addEdge(START, "a").addEdge("a", "b").addEdge("b", END).compile({ checkpointer: new MemorySaver() });
  };

  it("rollbackTo a missing checkpoint is CheckpointNotFoundError", async () => {
    const g = simple();
    const cfg = { configurable: { thread_id: "rb" } };
    await g.invoke({ n: 0 }, cfg);
    for (const target of [{ checkpointId: "nope" }, { beforeNode: "zzz" }, { step: 999 }, () => false] as const) {
      const e = (await caught(rollbackTo(g as never, cfg, target as never))) as Error & { code: string };
      expect(root.isCheckpointNotFoundError(e), JSON.stringify(target)).toBe(true);
      expect(e.code).toBe("CHECKPOINT_NOT_FOUND");
      expect(e.message).toMatch(/getStateHistory|history/);
    }
  });

  it("rollbackTo on a thread that does not exist is a checkpointer error, not a crash", async () => {
    const g = simple();
    const e = await caught(rollbackTo(g as never, { configurable: { thread_id: "never" } }, { step: 0 } as never));
    expect(root.isThreadNotFoundError(e) || root.isCheckpointNotFoundError(e)).toBe(true);
  });

  it("rollbackTo without a thread_id is InvalidOptionsError", async () => {
    const g = simple();
    const e = await caught(rollbackTo(g as never, {}, { step: 0 } as never));
    expect(root.isInvalidOptionsError(e)).toBe(true);
  });

  it("assertThreadExists on an unknown thread is ThreadNotFoundError naming the thread", async () => {
    const g = simple();
    const e = (await caught(assertThreadExists(g as never, { configurable: { thread_id: "ghost-thread" } }))) as Error & { code: string };
    expect(root.isThreadNotFoundError(e)).toBe(true);
    expect(e.code).toBe("THREAD_NOT_FOUND");
    expect(e.message).toContain("ghost-thread");
  });
});

describe("claims errors", () => {
  it("a bad claim is InvalidClaimError with index and field, and nothing is applied", async () => {
    const S = Annotation.Root({ claims: root.claimsChannel({ verifiers: ["challenger"] }) });
    const g = new StateGraph(S)
      .addNode("w", () => ({ claims: [{ text: "ok claim", origin: { agent: "w", source: "model" }, confidence: 0.5 }, { text: 42, origin: { agent: "w", source: "model" }, confidence: 0.5 }] }) as never)
      .addEdge(START, "w").addEdge("w", END).compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "claim" } };
    const e = (await caught(g.invoke({}, cfg))) as root.InvalidClaimError & { index: number; field: string };
    expect(root.isInvalidClaimError(e)).toBe(true);
    expect(e.code).toBe("INVALID_CLAIM");
    expect(e.index).toBe(1);
    expect(e.field).toBe("text");
  });

  it("writing a second, different intent is IntentAlreadySetError", async () => {
    const S = Annotation.Root({ intent: root.intentChannel() });
    const g = new StateGraph(S)
      .addNode("a", () => ({ intent: "book a flight" }) as never)
      .addNode("b", () => ({ intent: "book a hotel" }) as never)
      .addEdge(START, "a").addEdge("a", "b").addEdge("b", END).compile();
    const e = (await caught(g.invoke({}))) as Error & { code: string };
    expect(root.isIntentAlreadySetError(e)).toBe(true);
    expect(e.code).toBe("INTENT_ALREADY_SET");
  });

  it("writing the same intent twice is not an error", async () => {
    const S = Annotation.Root({ intent: root.intentChannel() });
    const g = new StateGraph(S)
      .addNode("a", () => ({ intent: "book a flight" }) as never)
      .addNode("b", () => ({ intent: "book a flight" }) as never)
      .addEdge(START, "a").addEdge("a", "b").addEdge("b", END).compile();
    await expect(g.invoke({})).resolves.toBeDefined();
  });
});

describe("breaker errors", () => {
  it("every circuit open is CircuitOpenError (nothing sent); the failure before is FailoverExhaustedError", async () => {
    let calls = 0;
    const bad = new ScriptedChatModel({ script: () => { calls++; return { error: Object.assign(new Error("overloaded"), { status: 503 }) }; } } as never);
    const model = root.withSemanticBreaker(bad, { name: "primary", trip: 1, halfOpenAfter: 60_000, checks: "none" } as never);
    const first = (await caught(model.invoke("q"))) as Error & { code: string; failures: unknown[] };
    expect(root.isFailoverExhaustedError(first)).toBe(true);
    expect(first.code).toBe("CALL_FAILED");
    expect(Array.isArray(first.failures)).toBe(true);
    const before = calls;
    const second = (await caught(model.invoke("q"))) as Error & { code: string };
    expect(root.isCircuitOpenError(second)).toBe(true);
    expect(second.code).toBe("BROKEN_CIRCUIT");
    expect(calls).toBe(before);
    expect(second.message).toContain("primary");
    expect(second.message).toMatch(/halfOpenAfter|fallback|bypass/);
  });
});

describe("chaos and topology errors", () => {
  const builder = () => {
    const S = Annotation.Root({ claims: root.claimsChannel({ verifiers: ["challenger"] }), out: Annotation<string>() });
    return new StateGraph(S).addNode("a", () => ({ out: "a" })).addNode("b", () => ({ out: "b" })).addEdge(START, "a").addEdge("a", "b").addEdge("b", END);
  };
  const fault = { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" };
  it("injectFaults with an unknown target is ChaosError naming the target and the existing nodes", async () => {
    const e = (await caught(() => injectFaults(builder() as never, { targets: "nope", fault } as never))) as Error & { code: string };
    expect(root.isChaosError(e)).toBe(true);
    expect(e.code).toBe("CHAOS");
    expect(e.message).toContain("nope");
    expect(e.message).toMatch(/\ba\b.*\bb\b/s);
  });
  it("injectFaults with { node } of an unknown node is ChaosError", async () => {
    const e = await caught(() => injectFaults(builder() as never, { targets: { node: "ghost" }, fault } as never));
    expect(root.isChaosError(e)).toBe(true);
  });
  it("injectFaults with a role no node has is ChaosError", async () => {
    const e = (await caught(() => injectFaults(builder() as never, { targets: { role: "verifier" }, fault } as never))) as Error;
    expect(root.isChaosError(e)).toBe(true);
    expect(e.message).toMatch(/firebreakRole/);
    // an unknown role name is an options error naming the allowed roles
    const bad = (await caught(() => injectFaults(builder() as never, { targets: { role: "nobody" }, fault } as never))) as Error;
    expect(root.isInvalidOptionsError(bad)).toBe(true);
    expect(bad.message).toMatch(/agent.*verifier/);
  });
  it("injectFaults with a malformed plan is InvalidOptionsError, not ChaosError", async () => {
    const e = await caught(() => injectFaults(builder() as never, [{ target: "a", fault }] as never));
    expect(root.isInvalidOptionsError(e)).toBe(true);
    expect(root.isChaosError(e)).toBe(false);
  });
});

describe("CLI", () => {
  const cli = async (...args: string[]) => {
    try {
      const r = await run("npx", ["tsx", "src/cli/main.ts", ...args], { cwd: process.cwd(), timeout: 60_000 });
      return { code: 0, ...r };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, stdout: x.stdout, stderr: x.stderr };
    }
  };
  it("an unknown command exits 2 naming the command and the valid ones, without a stack", async () => {
    const r = await cli("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("frobnicate");
    expect(r.stderr).toMatch(/audit.*chaos.*prune/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
  it("a module that does not exist exits 2 naming it", async () => {
    const r = await cli("audit", "./no/such/module.ts:graph");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no/such/module");
  });
  it("a missing export exits 2 listing the exports", async () => {
    const r = await cli("chaos", "package.json:x");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such export/);
  });
  it("a missing module argument exits 2 with an example", async () => {
    const r = await cli("audit");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/firebreak audit/);
  });
  it("an unknown flag on audit names the flag and points to --help in a well-formed message", async () => {
    const r = await cli("audit", "examples", "--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--bogus");
    // The module argument prefixes the line, as docs/topology.md's exit-code table documents for option errors.
    expect(r.stderr).toMatch(/^firebreak: examples: Unknown option '--bogus'\./);
    expect(r.stderr).toMatch(/'--bogus'\.?\s*\n?Run "firebreak audit --help"/);
    expect(r.stderr).not.toMatch(/as in '-- "--bogus" Run/);
  });
  it("an unknown flag on prune exits 2 and points to prune --help", async () => {
    const r = await cli("prune", "--older-than", "banana");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/firebreak prune --help/);
  });
});
