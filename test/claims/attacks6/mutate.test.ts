// docs/claims.md: "What was checked at node time is what is applied and saved: withWriteContract reads each item once
// and hands LangGraph its own plain copy; in zod and StateSchema state ... a node's claims update must be plain data
// ... and is deep-frozen once checked, so a later edit of it throws instead of reaching the reducer or the checkpoint".
// A writer returns an update that passed the check; a sibling node of the same superstep ("slow") then edits it through
// a route the freeze may miss (already-frozen outer object over a mutable inner one, non-enumerable or Symbol-keyed
// properties, null-prototype objects, Command updates) before LangGraph applies the step's writes.
// Checked: no claim is stored in researcher's name but researcher's, no verdict in challenger's name but challenger's
// own, c1 never green from a red verdict; rejections are InvalidClaimError/WriteContractError naming the writer.
import { Command } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { Rig, STYLES, batch, clearError, later, newClaim, red, type Claim, type NodeName, type Style } from "./kit.js";

type Obj = Record<string | symbol, unknown>;
type Made = { update: unknown; target: () => object; mutate: () => void };
type Outcome = { e: unknown; claims: Claim[]; edit: string };

/** seeds c1 (researcher), optionally has challenger judge it red, then `writer` returns `made.update` while slow edits it. */
async function race(style: Style, writer: NodeName, make: () => Made, redFirst = false): Promise<Outcome> {
  const rig = new Rig(style);
  await rig.seed("c1");
  if (redFirst) await rig.run(["challenger"], [() => ({ claims: batch("challenger", [red("c1")]) })]);
  const m = make();
  let returned = false;
  let edit = "not run";
  const write = () => ((returned = true), m.update);
  const slow = async () => ((edit = await later(() => returned && Object.isFrozen(m.target()), m.mutate)), {});
  const e = await rig.attempt([writer, "slow"], [write, slow]);
  return { e, claims: await rig.claims(), edit };
}

const fresh = (id: string, agent: string): Obj => newClaim(id, agent) as Obj;
const origin = (o: Obj) => o["origin"] as Obj;
const toResearcher = (o: Obj) => () => void Reflect.set(origin(o), "agent", "researcher");

/** n1 written by rogue under `shape`; the edit makes origin.agent "researcher". */
const AUTHORSHIP: [string, (w: string) => Made][] = [
  ["plain update, origin shared with the sibling", (w) => { const c = fresh("n1", w); return { update: { claims: [c] }, target: () => c, mutate: toResearcher(c) }; }],
  ["claim and array frozen by the caller, origin mutable", (w) => { const c = fresh("n1", w); Object.freeze(c); return { update: { claims: Object.freeze([c]) }, target: () => c, mutate: toResearcher(c) }; }],
  ["update object frozen by the caller, everything inside mutable", (w) => { const c = fresh("n1", w); const u = Object.freeze({ claims: [c] }); return { update: u, target: () => u, mutate: toResearcher(c) }; }],
  ["origin non-enumerable", (w) => {
    const c = fresh("n1", w); const o = origin(c); delete c["origin"];
    Object.defineProperty(c, "origin", { value: o, enumerable: false, writable: true, configurable: true });
    return { update: { claims: [c] }, target: () => c, mutate: () => void Reflect.set(o, "agent", "researcher") };
  }],
  ["null-prototype claim and origin", (w) => {
    const c = Object.assign(Object.create(null) as Obj, fresh("n1", w));
    c["origin"] = Object.assign(Object.create(null) as Obj, origin(c));
    return { update: { claims: [c] }, target: () => c, mutate: toResearcher(c) };
  }],
  ["Symbol-keyed property holding the origin", (w) => { const c = fresh("n1", w); c[Symbol("o")] = origin(c); return { update: { claims: [c] }, target: () => c, mutate: toResearcher(c) }; }],
  ["Command({ update }) over a caller-frozen claim", (w) => { const c = Object.freeze(fresh("n1", w)); return { update: new Command({ update: { claims: [c] } }), target: () => c, mutate: toResearcher(c) }; }],
  ["Command with a tuple-list update", (w) => { const c = fresh("n1", w); return { update: new Command({ update: [["claims", [c]]] }), target: () => c, mutate: toResearcher(c) }; }],
  ["a list of Commands", (w) => { const c = fresh("n1", w); return { update: [new Command({ update: { claims: [c] } }), new Command({ update: { claims: [fresh("n2", w)] } })], target: () => c, mutate: toResearcher(c) }; }],
  ["the same claim object twice in the array, frozen array", (w) => { const c = fresh("n1", w); return { update: { claims: Object.freeze([c, c]) }, target: () => c, mutate: toResearcher(c) }; }],
];

function noneInResearchersName(o: Outcome, writer: string) {
  for (const c of o.claims) if (c.origin.agent === "researcher") expect(c.id, `edit: ${o.edit}`).toBe("c1");
  clearError(o.e, writer);
}

describe.each(STYLES)("%s", (style) => {
  // Not a promise for plain nodes: in StateSchema/zod an unwrapped node's origin.agent is not bound (withWriteContract
  // does that); the rogue writer is plain there, so the authorship races below run through sneaky (wrapped everywhere).
  it("baseline: sneaky (withWriteContract) writing a claim in researcher's name is refused", async () => {
    const o = await race(style, "sneaky", () => ({ update: { claims: [fresh("n1", "researcher")] }, target: () => ({}), mutate: () => {} }));
    noneInResearchersName(o, "sneaky");
  });

  describe.each(AUTHORSHIP)("sneaky's n1, edited to researcher's after the check: %s", (_n, make) => {
    it("is not stored in researcher's name", async () => {
      noneInResearchersName(await race(style, "sneaky", () => make("sneaky")), "sneaky");
    });
  });
});
