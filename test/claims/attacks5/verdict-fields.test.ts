// Promise 1 and 3 from the declared verifier's own node: a verdict batch whose fields answer differently on
// different reads is judged on one reading ("each batch is read once at the node-time check"); what is stored is
// a verdict the checks accepted; frozen, sealed and holey batches are checked, and a rejection is an
// InvalidClaimError/WriteContractError naming "challenger", never a bare TypeError.
// c1: researcher's claim; c2: a claim authored by "challenger" (it may never verify it: no self-verification).
import { describe, expect, it } from "vitest";
import { Rig, STYLES, batch, byId, clearError, flip, green, newClaim, red, type Claim, type Style, type VerdictIn } from "./kit.js";

async function challengerWrites(style: Style, make: () => unknown): Promise<{ e: unknown; claims: Claim[] }> {
  const rig = new Rig(style);
  await rig.seed("c1");
  await rig.run(["slow"], [() => ({})], { claims: [newClaim("c2", "challenger")] });
  const e = await rig.attempt(["challenger"], [make]);
  return { e, claims: await rig.claims() };
}

/** c2 (challenger's own) never judged; c1 green only with fetched evidence e1. */
function consistent(claims: Claim[]) {
  expect(byId(claims, "c2")?.verifiedBy).toBeUndefined();
  const c1 = byId(claims, "c1")!;
  if (c1.status === "green") expect(c1.verifiedBy?.evidence).toEqual(["e1"]);
}

type Case = { name: string; make: (k: number) => unknown; never?: (cs: Claim[]) => void };
const withVerdict = (v: VerdictIn, fetched: string[] | undefined, edit: (v: Record<string, unknown>, b: Record<string, unknown>) => void) => {
  const b = batch("challenger", [v], fetched) as unknown as Record<string, unknown>;
  edit((b["verdicts"] as Record<string, unknown>[])[0]!, b);
  return { claims: b };
};
const CASES: Case[] = [
  { name: "verdicts[0].status: red without evidence, then green", make: (k) => withVerdict(red("c1"), undefined, (v) => void flip(v, "status", "red", "green", k)),
    never: (cs) => expect(byId(cs, "c1")?.status).not.toBe("green") },
  { name: "verdicts[0].id: c1, then c2 (challenger's own claim)", make: (k) => withVerdict(green("c1"), ["e1"], (v) => void flip(v, "id", "c1", "c2", k)) },
  { name: "verdicts[0].evidence: [e1] (fetched), then [ghost]", make: (k) => withVerdict(green("c1"), ["e1"], (v) => void flip(v, "evidence", ["e1"], ["ghost"], k)) },
  { name: "fetched: [e1], then [other]; evidence: [e1], then [ghost]", make: (k) => withVerdict(green("c1"), ["e1"], (v, b) => {
    flip(b, "fetched", ["e1"], ["other"], k);
    flip(v, "evidence", ["e1"], ["ghost"], k);
  }) },
  { name: "verdicts: [green c1], then [green c2]", make: (k) => withVerdict(green("c1"), ["e1"], (_v, b) => void flip(b, "verdicts", [green("c1")], [green("c2")], k)) },
  { name: "verdicts[0] a Proxy answering id c1, then c2", make: (k) => withVerdict(green("c1"), ["e1"], (_v, b) => {
    let n = 0;
    const item = new Proxy(green("c1"), { get: (t, p, r) => (p === "id" ? (n++ < k ? "c1" : "c2") : Reflect.get(t, p, r)) });
    b["verdicts"] = [item];
  }) },
  { name: "verdicts[0].id an object with Symbol.toPrimitive (c1, then c2)", make: (k) => withVerdict(green("c1"), ["e1"], (v) => {
    let n = 0;
    v["id"] = { [Symbol.toPrimitive]: () => (n++ < k ? "c1" : "c2") };
  }) },
  { name: "verdicts[0] inherits its fields from a prototype", make: () => withVerdict(green("c1"), ["e1"], (_v, b) => void (b["verdicts"] = [Object.create(green("c1"))])) },
];

describe.each(STYLES)("%s", (style) => {
  it.each(CASES)("$name (N = 0..10): stored verdicts are ones the checks accept; errors name challenger", async ({ make, never }) => {
    for (let k = 0; k <= 10; k++) {
      const { e, claims } = await challengerWrites(style, () => make(k));
      clearError(e, "challenger");
      consistent(claims);
      never?.(claims);
    }
  });

  it("control: an honest green on c2 (challenger's own claim) is rejected naming challenger and c2", async () => {
    const { e, claims } = await challengerWrites(style, () => ({ claims: batch("challenger", [green("c2")], ["e1"]) }));
    expect(e).toBeDefined();
    clearError(e, "challenger", "c2");
    consistent(claims);
  });
});

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
};
const LOCKS: [string, (b: object) => object][] = [
  ["Object.freeze", (b) => Object.freeze(b)],
  ["deep freeze", (b) => deepFreeze(b)],
  ["Object.seal", (b) => Object.seal(b)],
  ["Object.preventExtensions", (b) => Object.preventExtensions(b)],
];

describe.each(STYLES)("locked and holey batches (%s)", (style) => {
  it.each(LOCKS)("%s: the batch is checked (applied green, or an error naming challenger)", async (_n, lock) => {
    const { e, claims } = await challengerWrites(style, () => ({ claims: lock(batch("challenger", [green("c1")], ["e1"])) }));
    clearError(e, "challenger");
    consistent(claims);
  });

  it.each(LOCKS)("%s inside a frozen claims array and a frozen update", async (_n, lock) => {
    const { e, claims } = await challengerWrites(style, () => Object.freeze({ claims: Object.freeze([lock(batch("challenger", [green("c1")], ["e1"]))]) }));
    clearError(e, "challenger");
    consistent(claims);
  });

  it("a hole in the claims array: applied consistently or rejected naming challenger", async () => {
    const { e, claims } = await challengerWrites(style, () => ({ claims: [, batch("challenger", [green("c1")], ["e1"])] }));
    clearError(e, "challenger");
    consistent(claims);
  });

  const HOLES: [string, () => unknown][] = [
    ["a hole before the verdict", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), verdicts: [, green("c1")] } })],
    ["a hole in evidence", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), verdicts: [{ ...green("c1"), evidence: [, "e1"] }] } })],
    ["a hole in fetched", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), fetched: [, "e1"] } })],
    ["a null verdict", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), verdicts: [null, green("c1")] } })],
    ["a null evidence item", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), verdicts: [{ ...green("c1"), evidence: [null, "e1"] }] } })],
    ["a numeric fetched item", () => ({ claims: { ...batch("challenger", [green("c1")], ["e1"]), fetched: [7, "e1"] } })],
    ["extra properties on the verdicts array", () => {
      const b = batch("challenger", [green("c1")], ["e1"]);
      return { claims: { ...b, verdicts: Object.assign([...b.verdicts], { 1: undefined, length: 3, extra: green("c2") }) } };
    }],
  ];
  // Was broken, fixed after this attack (all three styles): each of these fails the challenger node with a bare TypeError from the node-time
  // check ("Cannot read properties of undefined (reading 'id')" for a hole or null in verdicts, "... (reading
  // 'trim')" for a hole or null in evidence/fetched, "id.trim is not a function" for fetched: [7]), not an
  // InvalidClaimError naming the node, the claim and the field. Nothing is stored.
  it.each(HOLES)("%s: applied consistently or rejected naming challenger", async (_n, make) => {
    const { e, claims } = await challengerWrites(style, make);
    clearError(e, "challenger");
    consistent(claims);
  });
});
