// In-place mutation of objects after they were written, and odd types (getters, Proxy, prototype tricks).
import { describe, expect, it } from "vitest";
import { Harness, STYLES, add, rejection, write } from "./support/harness.js";
import { batch, claim, doubted, notGreen, stillRed } from "./support/attack-kit.js";

/** An edit of what a node returned; StateSchema and zod state freeze a node's checked update, so there it throws (refused). */
function tryEdit(edit: () => void): void {
  try {
    edit();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

describe.each(STYLES)("mutation and odd types (%s)", (style) => {
  for (const node of ["sneaky", "researcher"]) {
    // Was broken in StateSchema and zod state (LangGraph's plain channel handed nodes the loaded, unfrozen
    // claims): a non-verifier set c1 green in place, returned {}, and the checkpoint saved it. Claims loaded
    // from a checkpoint are now frozen in every style, so the edit throws in the node.
    it(`${node}: mutating the claims in its state in place turns a red claim green`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
      await h.run("challenger", write(batch(["c1"], "red")));
      await rejection(() =>
        h.run(node, (s: any) => {
          for (const c of s.claims) Object.assign(c, { status: "green", requiresVerification: false, confidence: 0.99 });
          return {};
        }),
      );
      const cs = await h.claims();
      notGreen(cs, "c1");
      doubted(cs, "c2", 0);
    });

    // Was broken in StateSchema and zod state: the same in-place edit was seen green by the next node.
    it(`${node}: mutating a claim in place lets the next node in the run see it green`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1")));
      await h.run("challenger", write(batch(["c1"], "red")));
      let seen: string | undefined;
      await rejection(() => h.run(node, (s: any) => ((s.claims[0].status = "green"), {})));
      await h.run("mallory", (s: any) => ((seen = s.claims.find((c: any) => c.id === "c1")?.status), {}));
      expect(seen).toBe("red");
    });
  }

  // The node returns a plain new claim and flips `status`/`requiresVerification` on the same object in a
  // microtask after returning, i.e. before LangGraph applies the step's writes. The reducer reads the object
  // then, sees a new claim that claims to be green, and rejects the write whole (fail closed): the claim is
  // never stored green. (Copying at the moment the node returns is LangGraph's, not the channel's, step.)
  it("mutating the object a node returned, in a microtask after returning, never stores it green", async () => {
    const h = new Harness(style);
    const obj: any = claim("c1");
    const error = await h
      .run("researcher", () => {
        queueMicrotask(() => tryEdit(() => Object.assign(obj, { status: "green", requiresVerification: false })));
        return { claims: [obj] };
      })
      .then(() => undefined, (e: unknown) => e);
    const st = await h.graph.getState(h.cfg());
    expect((st.values.claims ?? []).find((c: any) => c.id === "c1")?.status).not.toBe("green");
    if (error !== undefined) expect(String(error)).toMatch(/claim "c1".*field "status"/s);
  });

  it("mutating the object a node returned, in a later timer, does not change the stored claim", async () => {
    const h = new Harness(style);
    const obj: any = claim("c1");
    await h.run("researcher", () => {
      setTimeout(() => tryEdit(() => Object.assign(obj, { status: "green", requiresVerification: false })), 0);
      return { claims: [obj] };
    });
    await new Promise((r) => setTimeout(r, 20));
    const st = await h.graph.getState(h.cfg());
    notGreen(st.values.claims, "c1");
  });

  it("a getter that answers differently on each read cannot smuggle a status", async () => {
    const h = new Harness(style);
    let reads = 0;
    const obj: any = claim("c1");
    Object.defineProperty(obj, "status", { enumerable: true, configurable: true, get: () => (reads++ < 1 ? undefined : "green") });
    await rejection(() => h.run("researcher", add(obj)));
    const c = (await h.claims()).find((x: any) => x.id === "c1");
    if (c) expect(c.status).not.toBe("green");
  });

  it("a Proxy claim whose status appears only on later reads is not stored green", async () => {
    const h = new Harness(style);
    let reads = 0;
    const base: any = claim("c1");
    const p = new Proxy(base, {
      get: (t, k) => (k === "status" ? (reads++ < 2 ? undefined : "green") : (t as any)[k]),
      has: (t, k) => (k === "status" ? false : k in t),
      ownKeys: (t) => Reflect.ownKeys(t),
    });
    await rejection(() => h.run("researcher", add(p)));
    const c = (await h.claims()).find((x: any) => x.id === "c1");
    if (c) expect(c.status).not.toBe("green");
  });

  it("a claim inheriting status green from its prototype is not stored green", async () => {
    const h = new Harness(style);
    const proto = { status: "green", requiresVerification: false };
    const obj = Object.assign(Object.create(proto), claim("c1"));
    await rejection(() => h.run("researcher", add(obj)));
    const c = (await h.claims()).find((x: any) => x.id === "c1");
    if (c) expect(c.status).not.toBe("green");
  });

  it('a JSON "__proto__" key carrying a status does not make the claim green', async () => {
    const h = new Harness(style);
    const obj = JSON.parse(
      `{"id":"c1","text":"statement c1","confidence":0.9,"origin":{"agent":"researcher","source":"model"},"__proto__":{"status":"green","requiresVerification":false}}`,
    );
    await rejection(() => h.run("researcher", add(obj)));
    const c = (await h.claims()).find((x: any) => x.id === "c1");
    if (c) {
      expect(c.status).not.toBe("green");
      expect({ ...c }.status).not.toBe("green");
    }
  });

  it('an origin with "__proto__" basedOn cannot hide a red parent', async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const origin2 = JSON.parse(`{"agent":"analyst","source":"model","__proto__":{"basedOn":["c1"]}}`);
    await rejection(() => h.run("analyst", add({ id: "c2", text: "on c1", confidence: 0.9, origin: origin2 })));
    const c2 = (await h.claims()).find((x: any) => x.id === "c2");
    // Either no parents are recorded (it is an independent claim) or the red parent is honoured.
    if (c2?.origin?.basedOn?.includes("c1")) doubted(await h.claims(), "c2", 0);
  });

  it("re-adding a red claim's id as a fresh claim does not reset it", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() => h.run("researcher", add(claim("c1"))));
    await rejection(() => h.run("sneaky", add({ ...claim("c1"), text: "statement c1 (revised)" })));
    await rejection(() => h.run("sneaky", add({ ...claim("c1"), id: "c1\u200b" })));
    stillRed(await h.claims(), "c1");
  });

  it("a huge or look-alike id cannot alias a red claim", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() => h.run("sneaky", add({ ...claim("c\u0031"), id: "c1".normalize("NFKC") })));
    await rejection(() => h.run("sneaky", add(claim("x".repeat(2_000_000)))));
    const cs = await h.claims();
    stillRed(cs, "c1");
    doubted(cs, "c2", 0);
  });
});

describe.each(STYLES)("in-place edits across an interrupt and resume (%s)", (style) => {
  // Was broken: a non-verifier edited the claims in its state in place, called interrupt() and returned {} on
  // resume: after the resume c1 was green in the saved state (MemorySaver, all three styles).
  it("a node that edits the state in place before interrupt() cannot leave the claim green after resume", async () => {
    const { interrupt, Command } = await import("@langchain/langgraph");
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    h.route = ["sneaky"];
    h.plan.sneaky = (s: any) => {
      for (const c of s.claims) Object.assign(c, { status: "green", requiresVerification: false });
      interrupt("park");
      return {};
    };
    await rejection(() => h.graph.invoke({}, h.cfg()));
    await rejection(() => h.graph.invoke(new Command({ resume: "go" }), h.cfg()));
    h.route = [];
    notGreen(await h.claims(), "c1");
  });
});
