// Promise 1: only the declared verifier sets a claim's status.
import { Command, interrupt, Send, StateGraph, START, END, Annotation, StateSchema, MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod/v4";
import { claimsChannel, claimsField, claimVerdicts, InvalidClaimError, withWriteContract } from "langgraph-firebreak";
import { Harness, STYLES, add, origin, rejection, write, type Style } from "./harness.js";

const c1 = { id: "c1", text: "0.85^5 is about 0.52", confidence: 0.9, origin: origin("researcher") };
const green = (v = "challenger", ev = "e1") => claimVerdicts(v, [{ id: "c1", status: "green", reason: "ok", evidence: [ev] }], { fetched: [ev] });

async function seeded(style: Style) {
  const h = new Harness(style);
  await h.run("researcher", add(c1));
  return h;
}
const notGreen = async (h: Harness, thread = "t") => {
  const c = h.get(await h.claims(thread), "c1");
  expect(c.status).not.toBe("green");
  return c;
};

describe.each(STYLES)("who may verify (%s)", (style) => {
  it("a raw node signing in the verifier's name is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() => h.run("sneaky", write(green())));
    expect(e).toBeInstanceOf(InvalidClaimError);
    await notGreen(h);
  });

  it("a producer verifying its own claim via withWriteContract(role verifier) as itself is rejected", async () => {
    const h = await seeded(style);
    // rogue is wrapped as verifier but is not declared; it also signs as itself.
    const e = await rejection(() => h.run("rogue", write(green("rogue"))));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("the declared verifier cannot verify a claim it authored itself", async () => {
    const h = new Harness(style);
    await h.run("challenger", add({ ...c1, origin: origin("challenger") }));
    const e = await rejection(() => h.run("challenger", write(green())));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("withWriteContract with a forged name ('challenger') on another node is rejected", async () => {
    const h = await seeded(style);
    const forged = withWriteContract(() => ({ claims: green() }), { allowed: ["claims"], role: "verifier", name: "challenger", claims: h.channelOpts });
    const e = await rejection(() => h.run("sneaky", forged as any));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("a verdict inside Command({ update }) from a non-verifier is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() => h.run("sneaky", () => new Command({ update: { claims: green() } })));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("a verdict in graph input is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() => h.run("analyst", () => ({}), "t", { claims: green() }));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("updateState(asNode: 'challenger') with a fresh batch is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() => h.graph.updateState(h.cfg(), { claims: green() }, "challenger"));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("updateState(asNode: 'challenger') with a SEALED batch captured from the verifier is rejected", async () => {
    const h = await seeded(style);
    await h.run("challenger", write(claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "no", evidence: ["e0"] }], { fetched: ["e0"] })));
    // fork back to before the red verdict, then replay the sealed red batch via updateState
    const sealed = h.lastBatch("challenger");
    const e = await rejection(() => h.graph.updateState(h.cfg(), { claims: sealed }, "challenger"));
    expect(e).toBeInstanceOf(Error);
    const c = h.get(await h.claims(), "c1");
    expect(c.history?.length ?? 0).toBe(0);
  });

  it("parallel: a raw node forging a verdict in the same superstep as the real verifier is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() =>
      h.run(["sneaky", "challenger"], [
        write(green("challenger", "e9")),
        write(claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "no", evidence: ["e1"] }], { fetched: ["e1"] })),
      ]),
    );
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("parallel: two declared verifiers judging the same version: the second is rejected", async () => {
    const h = await seeded(style);
    const e = await rejection(() =>
      h.run(["challenger", "auditor"], [
        write(claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "no", evidence: ["e1"] }], { fetched: ["e1"] })),
        write(green("auditor", "e2")),
      ]),
    );
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  // Was broken (zod/StateSchema): a non-verifier node ("sneaky"), whose name the node-time check knows, replayed a batch
  // the verifier sealed in another thread on a byte-identical never-judged claim, and the claim turned green. The seal
  // now binds the task that sealed it, and the node-time check compares it with the writing task.
  // Skipped in Annotation: the reducer cannot see the writing task (docs/claims.md "Known limits"; pinned in limits.test.ts).
  (style === "annotation" ? it.skip : it)("a non-verifier node replaying a sealed batch from another thread (same claim, same version) is rejected", async () => {
    const h = await seeded(style);
    await h.run("researcher", add(c1), "other");
    await h.run("challenger", write(green("challenger", "e7")), "other");
    const sealed = h.lastBatch("challenger");
    const e = await rejection(() => h.run("sneaky", write(sealed)));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("Send payload carrying a verdict batch to a non-verifier that echoes it is rejected", async () => {
    const h = await seeded(style);
    // mallory's state arg is the Send payload; it writes it back as its own update
    h.plan["mallory"] = (s: any) => ({ claims: s.claims });
    const e = await rejection(() =>
      h.run("sneaky", () => new Command({ goto: [new Send("mallory", { claims: green() })] })),
    );
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("interrupt(): a non-verifier resumed with a sealed batch as resume value cannot apply it", async () => {
    const h = await seeded(style);
    await h.run("researcher", add({ ...c1, id: "c1" }), "src").catch(() => undefined);
    await h.run("challenger", write(green("challenger", "e5")), "src");
    const sealed = h.lastBatch("challenger");
    // judge c1 red in thread t so versions differ from the captured batch
    await h.run("challenger", write(claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "no", evidence: ["e1"] }], { fetched: ["e1"] })));
    h.route = ["sneaky"];
    h.plan["sneaky"] = () => ({ claims: interrupt("give me a batch") });
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    const e = await rejection(() => h.graph.invoke(new Command({ resume: sealed }), h.cfg()));
    expect(e).toBeInstanceOf(Error);
    const c = h.get(await h.claims(), "c1");
    expect(c.status).toBe("red");
  });

  it("interrupt(): Command({ resume, update }) carrying a batch is rejected", async () => {
    const h = await seeded(style);
    h.route = ["sneaky"];
    h.plan["sneaky"] = () => {
      interrupt("wait");
      return {};
    };
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    const e = await rejection(() => h.graph.invoke(new Command({ resume: "ok", update: { claims: green() } }), h.cfg()));
    expect(e).toBeInstanceOf(Error);
    await notGreen(h);
  });

  it("interrupt(): the declared verifier pauses, then its own batch on resume is accepted (control)", async () => {
    const h = await seeded(style);
    h.route = ["challenger"];
    h.plan["challenger"] = () => {
      const ev = interrupt("which evidence?") as string;
      return { claims: green("challenger", ev) };
    };
    await h.graph.invoke({}, h.cfg());
    h.route = [];
    await h.graph.invoke(new Command({ resume: "e3" }), h.cfg());
    expect(h.get(await h.claims(), "c1").status).toBe("green");
  });
});

describe.each(STYLES)("subgraph node named like the verifier (%s)", (style) => {
  // Was broken: a node named "challenger" inside a subgraph that runs as the parent's "worker" node greened the
  // parent's claim: the subgraph's output carried a valid seal by "challenger", which the parent accepted. A verification
  // now records the task whose node wrote it, and the parent's node-time check rejects one made inside the subgraph
  // of the writing node unless that node is a listed verifier. A raw subgraph node in Annotation state is a known limit
  // (the reducer cannot see the writing task; pinned in limits.test.ts, closed there by withWriteContract).
  (style === "annotation" ? it.skip : it)("a subgraph node called 'challenger' inside the producer node does not make the parent's claim green", async () => {
    const opts = { verifiers: ["challenger"] };
    const mk = () =>
      style === "annotation"
        ? Annotation.Root({ claims: claimsChannel(opts) })
        : style === "schema"
          ? new StateSchema({ claims: claimsChannel(opts) })
          : z.object({ claims: claimsField(opts) });
    const wrapV = (f: any) => (style === "annotation" ? withWriteContract(f, { allowed: ["claims"], role: "verifier", claims: opts }) : f);
    const wrapP = (f: any) => (style === "annotation" ? withWriteContract(f, { allowed: ["claims"], claims: opts }) : f);
    const sub: any = new StateGraph(mk() as any)
      .addNode("challenger", wrapV(() => ({ claims: green("challenger", "e1") })))
      .addEdge(START, "challenger")
      .addEdge("challenger", END)
      .compile();
    const parent: any = new StateGraph(mk() as any)
      .addNode("researcher", wrapP(() => ({ claims: [c1] })))
      .addNode("worker", sub)
      .addEdge(START, "researcher")
      .addEdge("researcher", "worker")
      .addEdge("worker", END)
      .compile({ checkpointer: new MemorySaver() });
    const cfg = { configurable: { thread_id: "s" } };
    const e = await rejection(() => parent.invoke({}, cfg));
    const claims = (await parent.getState(cfg)).values.claims ?? [];
    const c = claims.find((x: any) => x.id === "c1");
    // Either rejected, or the claim is not green in the parent.
    if (e === undefined) expect(c?.status).not.toBe("green");
    else expect(c?.status ?? "unverified").not.toBe("green");
  });
});
