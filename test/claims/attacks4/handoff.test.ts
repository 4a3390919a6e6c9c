// Promise 4: claims handed on to another graph (same process, another key) keep their status only when every
// seal in their history is valid here; an older snapshot of a claim cannot roll a thread back.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as home from "../../../src/index.js";
import { STYLES, Rig, byId, handOn, newClaim, rejection, verdict, verifiedClaims, type Claim, type Style } from "./kit.js";

const ENV = "FIREBREAK_CLAIMS_KEY";
const saved = process.env[ENV];
beforeEach(() => void delete process.env[ENV]);
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});
const K1 = "handoff-one-" + "0123456789abcdef".repeat(2);
const K2 = "handoff-two-" + "fedcba9876543210".repeat(2);
const json = (cs: Claim[]) => JSON.parse(JSON.stringify(cs)) as Claim[];

/** Claims sealed under K1, handed on and re-verified green under K2 (history: K1 seal, then a K2 seal). */
async function reverifiedUnderK2(style: Style): Promise<Claim[]> {
  process.env[ENV] = K1;
  const fromK1 = await verifiedClaims(home, style);
  process.env[ENV] = K2;
  const rig = new Rig(home, style);
  const arrived = await rig.run("r", ["slow"], [() => ({})], { claims: fromK1 });
  expect(byId(arrived, "c1").status).toBe("unverified");
  return json(await rig.run("r", ["challenger"], [() => ({ claims: verdict(home, ["c1", "c2"], "green", "fresh-k2") })]));
}

describe.each(STYLES)("handing on (%s)", (style) => {
  it("claims re-verified under K2 after arriving from K1 are not green where K2 is unknown (back under K1, random key)", async () => {
    const mixed = await reverifiedUnderK2(style);
    expect(byId(mixed, "c1").status).toBe("green");
    for (const key of [K1, undefined]) {
      if (key === undefined) delete process.env[ENV];
      else process.env[ENV] = key;
      const got = await handOn(home, style, mixed);
      if (got.claims) expect(byId(got.claims, "c1").status).not.toBe("green");
    }
  });

  it("a claim whose history holds a K1 seal is handed on under K2 as documented: every seal valid here, or unverified", async () => {
    const mixed = await reverifiedUnderK2(style);
    const got = await handOn(home, style, mixed);
    expect(got.error).toBeUndefined();
    const c1 = byId(got.claims!, "c1") as Claim & { history?: { seal?: { k: string } }[] };
    expect(c1.history?.[0]?.seal?.k).not.toBe(c1.verifiedBy?.seal?.k); // the K1 verdict is kept as a record
    expect(c1.status).toBe("unverified");
    expect(c1.requiresVerification).toBe(true);
  });

  it.each([
    ["history deleted", (c: Record<string, unknown>) => void delete c.history],
    ["history emptied", (c: Record<string, unknown>) => void (c.history = [])],
  ])("the K1 entry cut out of that history (%s) is rejected or not green", async (_n, cut) => {
    const mixed = await reverifiedUnderK2(style);
    for (const c of mixed) cut(c as unknown as Record<string, unknown>);
    const got = await handOn(home, style, mixed);
    if (got.claims) expect(byId(got.claims, "c1").status).not.toBe("green");
  });

  it("green → red → green here, with the red verdict cut out of the history, is rejected or not green", async () => {
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    for (const [st, ev] of [["green", "a"], ["red", "b"], ["green", "c"]] as const) await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], st, ev) })]);
    const cs = json(await rig.claims("t"));
    expect(cs[0]!.history?.length).toBe(2);
    cs[0]!.history = cs[0]!.history!.filter((h) => h.status !== "red");
    const got = await handOn(home, style, cs);
    if (got.claims) expect(byId(got.claims, "c1").status).not.toBe("green");
  });

  it("an older snapshot of a claim, given as input on its own thread, does not roll a red verdict back to green", async () => {
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1"), newClaim("c2", ["c1"])] })]);
    const greenSnap = json(await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1", "c2"], "green", "g1") })]));
    await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "red", "r1") })]);
    await rejection(() => rig.run("t", ["slow"], [() => ({})], { claims: greenSnap }));
    await rejection(() => rig.graph.updateState(rig.cfg("t"), { claims: greenSnap }, "challenger"));
    const cs = await rig.claims("t");
    expect(byId(cs, "c1").status).toBe("red");
    expect(byId(cs, "c2").status).not.toBe("green");
  });

  it("a green snapshot and a later red snapshot of the same claim in one input do not leave it green", async () => {
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const greenSnap = json(await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "green", "g1") })]));
    const redSnap = json(await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "red", "r1") })]));
    const got = await handOn(home, style, [...redSnap, ...greenSnap]);
    if (got.claims) expect(byId(got.claims, "c1").status).not.toBe("green");
  });
});
