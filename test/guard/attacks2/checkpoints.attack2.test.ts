/**
 * Guarantees attacked: "Isolate: … no checkpoint of the parent sees an attempt before its
 * verdict"; "The guard's audit trail — guardRecords, firebreak/bicr events, escalation packet —
 * names what it blocked; nothing else does"; "Recover: … every parent channel deep-equals its
 * value before the producer ran"; "Each handoff appends exactly one GuardRecord"; interrupt →
 * approve commits what the human was shown. Explored through the parent's client APIs:
 * getState({ subgraphs: true }), getStateHistory, time travel (invoke(null, oldConfig)),
 * updateState forks and interruptBefore. Judges are SCRIPTED.
 */
import { describe, it, expect } from "vitest";
import { StateGraph, START, END, MemorySaver, Command, interrupt } from "@langchain/langgraph";
import { guardNodeInPlace, createChallenger } from "../../../nodes/index.js";
import { State, judgeBad, BAD, claim, leaks } from "../attacks/common.js";

const tid = () => ({ configurable: { thread_id: `t-${Math.random().toString(36).slice(2)}` } });

function guarded(producer: any, guard: any = {}, compile: any = {}) {
  const b: any = new StateGraph(State).addNode("p", producer).addNode("next", () => ({})).addEdge(START, "p").addEdge("p", "next").addEdge("next", END);
  guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 2, onExhausted: "fail", ...guard });
  return b.compile({ checkpointer: new MemorySaver(), ...compile });
}

describe("getState({ subgraphs: true }) of the parent", () => {
  it("after a blocked attempt, while the retry waits on the producer's own interrupt: the parent's values stay clean; only the guard's own subgraph state holds the attempt (as the README says)", async () => {
    const producer = (_s: any, config: any) => {
      const retry = Boolean(config?.configurable?.firebreak_guard_feedback);
      if (!retry) return { claims: [claim(`says ${BAD}`)], notes: BAD };
      const v = interrupt({ q: "confirm?" });
      return { claims: [claim(`says fine ${v}`)] };
    };
    const g = guarded(producer, { maxAttempts: 3 });
    const cfg = tid();
    await g.invoke({ intent: "t" }, cfg);
    const snap = await g.getState(cfg, { subgraphs: true });
    expect(snap.tasks.some((t: any) => t.interrupts?.length)).toBe(true);
    // README: the guard's own subgraph checkpoint keeps the attempt (to resume into Challenge), so
    // getState({ subgraphs: true }) shows it under the guard's task; the parent's values never do.
    expect(leaks(snap.values), "the parent's values carry the blocked attempt").toBe(false);
    const guardTask = snap.tasks.find((t: any) => t.name === "p") as any;
    expect(leaks(guardTask?.state), "the guard's own subgraph state is where the attempt lives (documented)").toBe(true);
  }, 20_000);

  it("a compiled-subgraph producer paused on its own interrupt: its not-yet-judged writes are not visible through the parent's getState", async () => {
    const { StateGraph: SG } = await import("@langchain/langgraph");
    const inner = new SG(State)
      .addNode("write", () => ({ notes: `unjudged ${BAD}` }))
      .addNode("ask", () => { interrupt({ q: "go on?" }); return {}; })
      .addEdge(START, "write").addEdge("write", "ask").addEdge("ask", END).compile();
    const g = guarded(inner);
    const cfg = tid();
    await g.invoke({ intent: "t", notes: "before" }, cfg);
    const snap = await g.getState(cfg, { subgraphs: true });
    expect(snap.values.notes).toBe("before");
    expect(leaks(snap), "an attempt before its verdict is readable through the parent's getState").toBe(false);
  }, 20_000);

  it("getStateHistory of the parent after block → pass: no snapshot (values, tasks, metadata) carries the blocked attempt", async () => {
    let n = 0;
    const g = guarded(() => (++n === 1 ? { notes: BAD, claims: [claim(BAD)] } : { notes: "ok" }));
    const cfg = tid();
    await g.invoke({ intent: "t" }, cfg);
    const bad: string[] = [];
    for await (const s of g.getStateHistory(cfg)) if (leaks({ values: s.values, tasks: s.tasks, metadata: s.metadata, next: s.next })) bad.push(String(s.config.configurable?.checkpoint_id));
    expect(bad).toEqual([]);
  }, 20_000);
});

describe("time travel through a guarded node", () => {
  it("invoke(null, checkpoint before the guarded node) replays it: the fork gets exactly one new record, nothing blocked leaks", async () => {
    let n = 0;
    const g = guarded(() => (++n % 2 === 1 ? { notes: BAD } : { notes: `ok ${n}` }));
    const cfg = tid();
    await g.invoke({ intent: "t", notes: "before" }, cfg);
    const hist: any[] = [];
    for await (const s of g.getStateHistory(cfg)) hist.push(s);
    const beforeP = hist.find((s) => s.next.includes("p"));
    expect(beforeP).toBeTruthy();
    const out: any = await g.invoke(null, beforeP.config);
    expect(out.notes).toBe("ok 4");
    expect(out.guardRecords.length, "records of the fork").toBe(1);
    expect(leaks(out)).toBe(false);
    const head = await g.getState(cfg);
    expect(head.values.guardRecords.length).toBe(1);
  }, 20_000);

  it("updateState fork before the guarded node, then resume: the guard still judges (red blocks)", async () => {
    const g = guarded((s: any) => ({ notes: `echo ${s.data}` }), { maxAttempts: 1 });
    const cfg = tid();
    await g.invoke({ intent: "t", data: "clean" }, cfg);
    const hist: any[] = [];
    for await (const s of g.getStateHistory(cfg)) hist.push(s);
    const beforeP = hist.find((s) => s.next.includes("p"));
    const forked = await g.updateState(beforeP.config, { data: BAD });
    let err: any;
    try { await g.invoke(null, forked); } catch (e) { err = e; }
    expect(err?.name).toBe("GuardExhaustedError");
    const head = await g.getState(cfg);
    expect(String(head.values.notes), "the blocked echo reached the fork's state").not.toContain(`echo ${BAD}`);
  }, 20_000);
});

describe("interruptBefore on the guarded node", () => {
  it("pauses before the guard; resume judges normally (block → retry → pass), one record, nothing blocked in checkpoints", async () => {
    let n = 0;
    const g = guarded(() => (++n === 1 ? { notes: BAD } : { notes: "ok" }), {}, { interruptBefore: ["p"] });
    const cfg = tid();
    await g.invoke({ intent: "t" }, cfg);
    expect((await g.getState(cfg)).next).toEqual(["p"]);
    expect(n).toBe(0);
    const chunks: any[] = [];
    for await (const c of await g.stream(null, { ...cfg, streamMode: ["checkpoints", "values", "updates", "debug"], subgraphs: true } as any)) chunks.push(c);
    const s = (await g.getState(cfg)).values;
    expect(s.notes).toBe("ok");
    expect(s.guardRecords.length).toBe(1);
    expect(chunks.filter((c) => leaks(c)).map((c) => JSON.stringify(c).slice(0, 200))).toEqual([]);
  }, 20_000);
});

describe("interrupt → approve commits what the human was shown", () => {
  it("state changes between escalation and approve: the approval is never spent on an attempt the human was not shown", async () => {
    let runs = 0;
    const g = guarded((s: any) => { runs++; return { notes: `${BAD} computed from ${s.data}` }; }, { maxAttempts: 1, onExhausted: "interrupt" });
    const cfg = tid();
    await g.invoke({ intent: "t", data: "original" }, cfg);
    const snap = await g.getState(cfg);
    const packet: any = snap.tasks.flatMap((t: any) => t.interrupts ?? [])[0]?.value;
    expect(packet?.proposedUpdate?.notes).toBe(`${BAD} computed from original`);
    await g.updateState(cfg, { data: "changed meanwhile" });
    const out: any = await g.invoke(new Command({ resume: { action: "approve" } }), cfg);
    // updateState re-schedules the pending task (LangGraph semantics): the producer may re-run, but then the
    // approval must not be spent on an attempt the human never saw — either the shown update is committed, or
    // nothing is and a fresh escalation is pending.
    if (out.notes !== undefined) {
      expect(out.notes, "approve committed an attempt the human was never shown").toBe(packet.proposedUpdate.notes);
      expect(out.guardRecords.length).toBe(1);
    } else {
      expect(runs).toBe(2);
      const again = (await g.getState(cfg)).tasks.flatMap((t: any) => t.interrupts ?? []);
      expect(again[0]?.value?.proposedUpdate?.notes).toBe(`${BAD} computed from changed meanwhile`);
    }
    expect(out.data).toBe("changed meanwhile");
  }, 20_000);

  it("edit: only the human's update is committed — nothing of the blocked attempt rides along", async () => {
    const g = guarded(() => ({ notes: BAD, data: `also ${BAD}`, claims: [claim(`c ${BAD}`)] }), { maxAttempts: 1, onExhausted: "interrupt" });
    const cfg = tid();
    await g.invoke({ intent: "t", notes: "n0", data: "d0" }, cfg);
    const out: any = await g.invoke(new Command({ resume: { action: "edit", update: { notes: "human note" } } }), cfg);
    expect(out.notes).toBe("human note");
    expect(out.data).toBe("d0");
    expect(leaks(out)).toBe(false);
  }, 20_000);

  it("several escalations of one node in one superstep (Send fan-out) resumed by interrupt id: approve one, reject the other — no cross-talk", async () => {
    const { Send } = await import("@langchain/langgraph");
    const b: any = new StateGraph(State)
      .addNode("p", (s: any) => ({ claims: [claim(`${BAD} from ${s.data}`)] }))
      .addConditionalEdges(START, () => [new Send("p", { intent: "t", data: "A" }), new Send("p", { intent: "t", data: "B" })])
      .addEdge("p", END);
    guardNodeInPlace(b, "p", { challenger: createChallenger({ model: judgeBad() }), maxAttempts: 1, onExhausted: "interrupt" });
    const g = b.compile({ checkpointer: new MemorySaver() });
    const cfg = tid();
    await g.invoke({ intent: "t" }, cfg);
    const ints = (await g.getState(cfg)).tasks.flatMap((t: any) => t.interrupts ?? []);
    expect(ints.length).toBe(2);
    const a = ints.find((i: any) => JSON.stringify(i.value).includes("from A"))!;
    const bI = ints.find((i: any) => JSON.stringify(i.value).includes("from B"))!;
    const out: any = await g.invoke(new Command({ resume: { [a.id]: { action: "approve" }, [bI.id]: { action: "reject" } } }), cfg);
    expect(out.claims.map((c: any) => c.text)).toEqual([`${BAD} from A`]);
    expect(out.guardRecords.map((r: any) => r.outcome).sort()).toEqual(["approved", "rejected"]);
  }, 20_000);
});
