// Promise 1 (authorship): "withWriteContract ... fills origin.agent on new claims and refuses claims made in another
// agent's name" (a node makes claims in its own name), with "each batch is read once at the node-time check".
// "sneaky" (wrapped in withWriteContract in every style) writes claims whose fields answer differently on
// different reads, starting from a copy of researcher's stored c1 (the echo a node may write back) or a fresh claim.
// c1 is red (challenger) before sneaky runs. Checked: no claim but c1 is stored in researcher's name, c1 is
// unchanged, basedOn names known claims, a claim on red c1 is flagged at confidence 0, errors name "sneaky".
import { describe, expect, it } from "vitest";
import { Rig, STYLES, batch, clearError, flip, newClaim, red, type Claim, type Style } from "./kit.js";

type Obj = Record<string, unknown>;
async function sneakyWrites(style: Style, make: (c1: Claim) => unknown) {
  const rig = new Rig(style);
  await rig.seed("c1");
  await rig.run(["challenger"], [() => ({ claims: batch("challenger", [red("c1")]) })]);
  const before = (await rig.claims())[0]!;
  const e = await rig.attempt(["sneaky"], [(s) => make(s.claims![0]!)]);
  return { e, claims: await rig.claims(), before };
}

function authorshipKept(claims: Claim[], before: Claim) {
  for (const c of claims) if (c.origin.agent === "researcher") expect(c.id).toBe("c1");
  const c1 = claims.find((c) => c.id === "c1")!;
  expect({ text: c1.text, origin: c1.origin, status: c1.status }).toEqual({ text: before.text, origin: before.origin, status: before.status });
  const ids = new Set(claims.map((c) => c.id));
  for (const c of claims) {
    for (const p of c.origin.basedOn ?? []) expect(ids.has(p)).toBe(true);
    if ((c.origin.basedOn ?? []).includes("c1")) expect([c.confidence, c.requiresVerification]).toEqual([0, true]);
    expect(typeof c.confidence).toBe("number");
    expect(typeof c.text).toBe("string");
  }
}

const echo = (c1: Claim): Obj => JSON.parse(JSON.stringify(c1)) as Obj;
const fresh = (): Obj => newClaim("n1", "sneaky");
const origin = (o: Obj) => o["origin"] as Obj;
type Case = [string, (c1: Claim, k: number) => Obj];
const CASES: Case[] = [
  ["origin.agent getter: sneaky, then researcher", (_c, k) => { const o = fresh(); flip(origin(o), "agent", "sneaky", "researcher", k); return o; }],
  ["origin getter: sneaky's, then researcher's", (_c, k) => { const o = fresh(); flip(o, "origin", origin(fresh()), { agent: "researcher", source: "model" }, k); return o; }],
  ["origin a Proxy answering agent sneaky, then researcher", (_c, k) => {
    let n = 0;
    return { ...fresh(), origin: new Proxy(origin(fresh()), { get: (t, p, r) => (p === "agent" ? (n++ < k ? "sneaky" : "researcher") : Reflect.get(t, p, r)) }) };
  }],
  ["echo of c1 whose id turns into n1", (c1, k) => { const o = echo(c1); flip(o, "id", "c1", "n1", k); return o; }],
  ["echo of c1 whose text turns into another text", (c1, k) => { const o = echo(c1); flip(o, "text", c1.text, "c1 was right after all", k); return o; }],
  ["echo of c1 whose origin.agent turns into sneaky", (c1, k) => { const o = echo(c1); flip(origin(o), "agent", "researcher", "sneaky", k); return o; }],
  ["fresh claim whose id turns into c1", (_c, k) => { const o = fresh(); flip(o, "id", "n1", "c1", k); return o; }],
  ["basedOn getter: [], then [ghost]", (_c, k) => { const o = fresh(); flip(origin(o), "basedOn", [], ["ghost"], k); return o; }],
  ["basedOn getter: [], then [c1] (red) with confidence 0.8", (_c, k) => { const o = fresh(); flip(origin(o), "basedOn", [], ["c1"], k); return o; }],
  ["confidence getter on a claim built on red c1: 0, then 0.99", (_c, k) => {
    const o = { ...fresh(), origin: { agent: "sneaky", source: "model", basedOn: ["c1"] } };
    flip(o, "confidence", 0, 0.99, k);
    return o;
  }],
  ["confidence an object with Symbol.toPrimitive", () => ({ ...fresh(), confidence: { [Symbol.toPrimitive]: () => 0.5 } })],
  ["text an object with Symbol.toPrimitive", () => ({ ...fresh(), text: { [Symbol.toPrimitive]: () => "hello" } })],
  ["origin.agent an object with Symbol.toPrimitive (sneaky, then researcher)", (_c, k) => {
    let n = 0;
    return { ...fresh(), origin: { source: "model", agent: { [Symbol.toPrimitive]: () => (n++ < k ? "sneaky" : "researcher") } } };
  }],
  ["a claim whose fields sit on a prototype carrying researcher's origin", () => Object.assign(Object.create({ origin: { agent: "researcher", source: "model" } }), { id: "n1", text: "x", confidence: 0.5 })],
];

describe.each(STYLES)("%s", (style) => {
  it.each(CASES)("%s (N = 0..10): stored authorship is one the contract accepted; errors name sneaky", async (_n, make) => {
    for (let k = 0; k <= 10; k++) {
      const { e, claims, before } = await sneakyWrites(style, (c1) => ({ claims: [make(c1, k)] }));
      clearError(e, "sneaky");
      authorshipKept(claims, before);
    }
  });

  it("a Proxy claims array answering sneaky's claim, then one in researcher's name (N = 0..10)", async () => {
    for (let k = 0; k <= 10; k++) {
      const [a, b] = [fresh(), { ...newClaim("n1", "researcher") }];
      let n = 0;
      const { e, claims, before } = await sneakyWrites(style, () => ({ claims: new Proxy([a], { get: (t, p, r) => (p === "0" ? (n++ < k ? a : b) : Reflect.get(t, p, r)) }) }));
      clearError(e, "sneaky");
      authorshipKept(claims, before);
    }
  });

  it("a frozen claim without origin.agent (the contract fills it): stored as sneaky's, or an error naming sneaky", async () => {
    const deep = () => Object.freeze({ id: "n1", text: "x", confidence: 0.5, origin: Object.freeze({ source: "model" }) });
    const { e, claims, before } = await sneakyWrites(style, () => ({ claims: Object.freeze([deep()]) }));
    clearError(e, "sneaky");
    authorshipKept(claims, before);
    const n1 = claims.find((c) => c.id === "n1");
    if (n1) expect(n1.origin.agent).toBe("sneaky");
  });
});
