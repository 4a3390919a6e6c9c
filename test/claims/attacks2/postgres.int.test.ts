// Promises 1-3 on real PostgreSQL (PostgresSaver, a unique schema per test): sealed writes survive the
// JSON storage of checkpoints and pending writes, and replays through the database are still rejected.
import { Command, interrupt } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { claimVerdicts } from "langgraph-firebreak";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { Harness, STYLES, add, origin, rejection, write, type Style } from "./harness.js";

const savers = usePostgresSavers("fb_atk2");
const saver = async (style: Style) => (await savers.open(`fb_atk2_${style}_${process.pid}_${Math.random().toString(36).slice(2, 9)}`)).saver;

const c1 = { id: "c1", text: "pg claim", confidence: 0.8, origin: origin("researcher") };
const v = (status: string, ev: string, who = "challenger") =>
  write(claimVerdicts(who, [{ id: "c1", status: status as any, reason: status, evidence: [ev] }], { fetched: [ev] }));

describe.each(STYLES)("PostgreSQL (%s)", (style) => {
  it("replays by a node, updateState(asNode) and an interrupt resume are rejected; the verifier's resumed write counts", async () => {
    const h = new Harness(style, { verifiers: ["challenger", "auditor"] }, await saver(style));
    await h.run("researcher", add(c1));
    await h.run("researcher", add(c1), "B");
    await h.run("challenger", v("green", "p1"), "B");
    const sealedGreen = h.lastBatch("challenger");
    await h.run("challenger", v("red", "p2"));
    const sealedRed = h.lastBatch("challenger");
    const st = async () => h.get(await h.claims(), "c1").status;
    expect(await st()).toBe("red");

    // node replay of the green batch from thread B, and of the red batch already applied
    expect(await rejection(() => h.run("sneaky", write(sealedGreen)))).toBeInstanceOf(Error);
    expect(await rejection(() => h.run("sneaky", write(sealedRed)))).toBeInstanceOf(Error);
    // updateState as the verifier
    expect(await rejection(() => h.graph.updateState(h.cfg(), { claims: sealedGreen }, "challenger"))).toBeInstanceOf(Error);
    expect(await st()).toBe("red");

    // interrupt in a non-verifier, resume with the sealed batch
    h.route = ["mallory"];
    h.plan["mallory"] = () => ({ claims: interrupt("batch?") });
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    expect(await rejection(() => h.graph.invoke(new Command({ resume: sealedGreen }), h.cfg()))).toBeInstanceOf(Error);
    expect(await st()).toBe("red");

  });

  it("a resumed verifier cannot lift red -> green on evidence an earlier green verdict cited", async () => {
    const h = new Harness(style, { verifiers: ["challenger"] }, await saver(style));
    await h.run("researcher", add(c1));
    await h.run("challenger", v("green", "p1"));
    await h.run("challenger", v("red", "p3"));
    h.route = ["challenger"];
    h.plan["challenger"] = () => {
      const ev = interrupt("evidence?") as string;
      return { claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "ok", evidence: [ev] }], { fetched: [ev] }) };
    };
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    const e = await rejection(() => h.graph.invoke(new Command({ resume: "p1" }), h.cfg()));
    expect(e).toBeInstanceOf(Error);
    expect(h.get(await h.claims(), "c1").status).toBe("red");
  });

  it("the verifier's sealed write is re-checked when read back from the database: a resumed verifier lifts on new evidence", async () => {
    const h = new Harness(style, { verifiers: ["challenger"] }, await saver(style));
    await h.run("researcher", add(c1));
    await h.run("challenger", v("red", "q1"));
    h.route = ["challenger"];
    h.plan["challenger"] = () => {
      const ev = interrupt("evidence?") as string;
      return { claims: claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "ok", evidence: [ev] }], { fetched: [ev] }) };
    };
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    await h.graph.invoke(new Command({ resume: "q2" }), h.cfg());
    const c = h.get(await h.claims(), "c1");
    expect(c.status).toBe("green");
    expect(c.verifiedBy.evidence).toEqual(["q2"]);
  });

  it("a forged verdict in a parallel superstep does not leave a green claim in the database", async () => {
    const h = new Harness(style, { verifiers: ["challenger"] }, await saver(style));
    await h.run("researcher", add(c1));
    const e = await rejection(() => h.run(["sneaky", "challenger"], [v("green", "x9"), v("yellow", "x1")]));
    expect(e).toBeInstanceOf(Error);
    expect(h.get(await h.claims(), "c1").status).not.toBe("green");
    // and the thread is usable afterwards
    await h.run("analyst", add({ id: "c2", text: "after", confidence: 0.4, origin: origin("analyst") }));
    expect(h.get(await h.claims(), "c2")).toBeDefined();
  });

  // Was broken: as in memory (replay.test.ts "time travel"): forking the thread from the checkpoint before the verdicts,
  // a non-verifier node applied the captured green batch and the thread's head (in PostgreSQL) showed green. Closed where
  // the writing task is known; a raw node in Annotation state is a known limit (pinned in limits.test.ts).
  (style === "annotation" ? it.skip : it)("a fork from before the verdicts: a non-verifier's replay of a captured green batch does not green the thread", async () => {
    const h = new Harness(style, { verifiers: ["challenger"] }, await saver(style));
    await h.run("researcher", add(c1));
    const before = (await h.graph.getState(h.cfg())).config;
    await h.run("challenger", v("green", "f1"));
    const sealed = h.lastBatch("challenger");
    await h.run("challenger", v("red", "f2"));
    h.route = ["sneaky"];
    h.plan["sneaky"] = () => ({ claims: sealed });
    await rejection(() => h.graph.invoke({}, before));
    h.route = [];
    expect(h.get(await h.claims(), "c1").status).not.toBe("green");
  });
});
