// Promise 5: claims handed on as graph input keep status only with valid seals of this deployment.
import { describe, expect, it } from "vitest";
import { claimVerdicts, fromPosterior, toPosterior } from "langgraph-firebreak";
import { Harness, STYLES, add, origin, rejection, write, type Style } from "./harness.js";

const claim = (id: string, basedOn: string[] = [], agent = "researcher") => ({ id, text: `statement ${id}`, confidence: 0.8, origin: origin(agent, basedOn) });
let n = 0;
const verdict = (ids: string[], status: string, who = "challenger") => {
  const ev = `hv${++n}`;
  return write(claimVerdicts(who, ids.map((id) => ({ id, status: status as any, reason: status, evidence: [ev] })), { fetched: [ev] }));
};
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

async function verified(style: Style) {
  const h = new Harness(style);
  await h.run("researcher", add(claim("c1"), claim("c2"), claim("c3", ["c1"])));
  await h.run("challenger", verdict(["c1", "c2", "c3"], "green"));
  await h.run("challenger", verdict(["c2"], "red"));
  return clone(await h.claims());
}
/** Hands `claims` to a fresh thread of a fresh graph; returns the claims there, or the error. */
async function handOn(style: Style, claims: any[], opts?: any) {
  const h = new Harness(style, opts);
  const e = await rejection(() => h.run("analyst", () => ({}), "recv", { claims }));
  if (e) return { e, claims: [] as any[], h };
  return { e, claims: await h.claims("recv"), h };
}
const expectNotGreen = (r: { e: any; claims: any[] }, id: string) => {
  if (r.e) return;
  const c = r.claims.find((x) => x.id === id);
  if (c) expect(c.status, id).not.toBe("green");
};

describe.each(STYLES)("handing claims on (%s)", (style) => {
  it("control: claims verified here keep their status after a JSON round-trip", async () => {
    const cs = await verified(style);
    const r = await handOn(style, cs);
    expect(r.e).toBeUndefined();
    expect(r.claims.find((c) => c.id === "c1").status).toBe("green");
    expect(r.claims.find((c) => c.id === "c2").status).toBe("red");
  });

  it("a new claim with status green (no verification record) arrives unverified or is rejected", async () => {
    const r = await handOn(style, [{ ...claim("n1"), status: "green", requiresVerification: false }]);
    expectNotGreen(r, "n1");
  });

  it("a status edited red -> green (record still red) is rejected or arrives not green", async () => {
    const cs = await verified(style);
    const c2 = cs.find((c) => c.id === "c2");
    c2.status = "green";
    expectNotGreen(await handOn(style, cs), "c2");
  });

  it("a record whose status is edited red -> green (seal kept) is rejected or arrives not green", async () => {
    const cs = await verified(style);
    const c2 = cs.find((c) => c.id === "c2");
    c2.status = "green";
    c2.verifiedBy.status = "green";
    expectNotGreen(await handOn(style, cs), "c2");
  });

  it("a green verification record copied from another claim is rejected or arrives not green", async () => {
    const cs = await verified(style);
    const c1 = cs.find((c) => c.id === "c1");
    const c2 = cs.find((c) => c.id === "c2");
    c2.status = "green";
    c2.verifiedBy = clone(c1.verifiedBy);
    c2.history = [];
    expectNotGreen(await handOn(style, cs), "c2");
  });

  it("a green claim's text edited after sealing is rejected or arrives not green", async () => {
    const cs = await verified(style);
    cs.find((c) => c.id === "c1").text = "statement c1, but stronger";
    expectNotGreen(await handOn(style, cs), "c1");
  });

  it("a green claim's author edited after sealing (to dodge the self-verification rule) is rejected or not green", async () => {
    const cs = await verified(style);
    cs.find((c) => c.id === "c1").origin.agent = "someone-else";
    expectNotGreen(await handOn(style, cs), "c1");
  });

  it("a green claim handed on without the red verdict on its parent: parent red arrives, child not green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("p"), claim("k", ["p"])));
    await h.run("challenger", verdict(["p", "k"], "green"));
    const greenSnapshot = clone(await h.claims());
    await h.run("challenger", verdict(["p"], "red"));
    const now = clone(await h.claims());
    // mix: the parent as it is now (red), the child from the earlier green snapshot
    const mixed = [now.find((c) => c.id === "p"), greenSnapshot.find((c) => c.id === "k")];
    const r = await handOn(style, mixed);
    expectNotGreen(r, "k");
  });

  it("a green claim whose basedOn was edited to drop its red parent is rejected or not green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("p"), claim("k", ["p"])));
    await h.run("challenger", verdict(["p", "k"], "green"));
    await h.run("challenger", verdict(["p"], "red"));
    await h.run("challenger", verdict(["k"], "green")); // recorded, stays flagged (red parent)
    const cs = clone(await h.claims());
    const k = cs.find((c) => c.id === "k");
    k.origin.basedOn = [];
    k.requiresVerification = false;
    k.confidence = 0.8;
    expectNotGreen(await handOn(style, cs), "k");
  });

  it("a green claim whose requiresVerification/confidence were edited while its parent is red stays flagged and capped", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("p"), claim("k", ["p"])));
    await h.run("challenger", verdict(["p"], "red"));
    await h.run("challenger", verdict(["k"], "green"));
    const cs = clone(await h.claims());
    const k = cs.find((c) => c.id === "k");
    k.requiresVerification = false;
    k.confidence = 0.8;
    const r = await handOn(style, cs);
    if (!r.e) {
      const got = r.claims.find((c) => c.id === "k");
      expect(got.requiresVerification).toBe(true);
      expect(got.confidence).toBe(0);
    }
  });

  it("claims verified by a verifier the receiver does not list arrive unverified", async () => {
    const cs = await verified(style);
    const r = await handOn(style, cs, { verifiers: ["auditor"] });
    expect(r.e).toBeUndefined();
    expect(r.claims.find((c) => c.id === "c1").status).not.toBe("green");
    expect(r.claims.find((c) => c.id === "c1").requiresVerification).toBe(true);
  });

  it("the history reordered (latest verdict swapped with an earlier one) is rejected or not green", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", verdict(["c1"], "red"));
    await h.run("challenger", verdict(["c1"], "green"));
    await h.run("challenger", verdict(["c1"], "red"));
    const cs = clone(await h.claims());
    const c = cs[0];
    const greenRec = c.history.find((x: any) => x.status === "green");
    c.history = c.history.filter((x: any) => x !== greenRec).concat([c.verifiedBy]);
    c.verifiedBy = greenRec;
    c.status = "green";
    expectNotGreen(await handOn(style, cs), "c1");
  });

  it("a handed-on claim with a sealed verdict batch in the same input is rejected", async () => {
    const cs = await verified(style);
    const r = await handOn(style, [...cs, claimVerdicts("challenger", [{ id: "c2", status: "green", reason: "g", evidence: ["z"] }], { fetched: ["z"] })]);
    expect(r.e).toBeInstanceOf(Error);
  });

  it("fromPosterior ignores statuses: a relayed green claim is a new unverified claim", async () => {
    const cs = await verified(style);
    const post = toPosterior(cs);
    const relayed: any[] = fromPosterior(post as any, { agent: "relay" } as any) as any;
    for (const c of relayed) expect(c.status ?? "unverified").toBe("unverified");
  });
});
