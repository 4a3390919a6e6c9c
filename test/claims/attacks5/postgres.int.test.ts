// Promise 2: what a PostgresSaver checkpoint holds (a fresh schema per test, read back by a fresh saver) never
// shows a verdict or authorship the checks did not accept, and a thread resumed after an interrupt in a sibling
// node (same process) does not apply other content than was checked. The writing node runs beside "pauser",
// which interrupts; its write is saved as a pending write, serialized (JSON: `toJSON` is honoured), and
// re-applied from the checkpoint on resume. Hostile objects: `toJSON` answering other content than the fields.
import { Command } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { Rig, STYLES, batch, byId, green, newClaim, noForgedChallenger, red, rejection, type Act, type Claim, type NodeName, type Style } from "./kit.js";

const savers = usePostgresSavers("fb_atk5");
type Setup = (rig: Rig) => Promise<void>;
type Pending = { claims: Claim[]; writes: unknown[] };

/** setup, then `node` runs `act` beside pauser; resumed; returns the claims and pending writes a fresh saver reads
 * after the interrupt and after the resume. */
async function interruptAndResume(style: Style, opts: { verifiers?: string[] }, setup: Setup, node: NodeName, act: Act) {
  const { saver, schema } = await savers.open();
  const rig = new Rig(style, saver, opts);
  await setup(rig);
  const first = await rejection(() => rig.run([node, "pauser"], [act, () => ({})]));
  const read = async (): Promise<Pending> => {
    const fresh = (await savers.open(schema)).saver;
    const r = new Rig(style, fresh, opts);
    const t = await fresh.getTuple(r.cfg());
    return { claims: await r.claims(), writes: (t?.pendingWrites ?? []).map((w) => w[2]) };
  };
  const paused = await read();
  const resumed = await rejection(() => rig.graph.invoke(new Command({ resume: "go" }), rig.cfg()));
  return { first, resumed, paused, after: await read() };
}

const withToJSON = <T extends object>(o: T, json: unknown): T => Object.defineProperty(o, "toJSON", { value: () => json, enumerable: false });
const seedC1: Setup = (rig) => rig.seed("c1");
const flat = (ws: unknown[]): Record<string, unknown>[] =>
  ws.flatMap((w) => (Array.isArray(w) ? w : [w])).filter((x): x is Record<string, unknown> => !!x && typeof x === "object");

describe.each(STYLES)("%s", (style) => {
  it("a new claim whose toJSON names researcher is neither saved nor applied in researcher's name", async () => {
    const act = () => ({ claims: [withToJSON(newClaim("n1", "sneaky"), newClaim("n1", "researcher"))] });
    const r = await interruptAndResume(style, {}, seedC1, "sneaky", act);
    for (const s of [r.paused, r.after]) {
      expect(byId(s.claims, "n1")?.origin.agent ?? "sneaky").toBe("sneaky");
      for (const w of flat(s.writes)) if (w["id"] === "n1") expect((w["origin"] as { agent?: string }).agent).not.toBe("researcher");
    }
  });

  it("rogue's batch whose toJSON signs as challenger records no verdict in challenger's name", async () => {
    const act = () => ({ claims: withToJSON(batch("rogue", [green("c1")], ["e1"]), batch("challenger", [green("c1")], ["e1"])) });
    const r = await interruptAndResume(style, {}, seedC1, "rogue", act);
    for (const s of [r.paused, r.after]) noForgedChallenger(s.claims);
  });

  it("challenger's red verdict whose toJSON says green is never green", async () => {
    const act = () => ({ claims: withToJSON(batch("challenger", [red("c1")]), batch("challenger", [green("c1", "ghost")], ["ghost"])) });
    const r = await interruptAndResume(style, { verifiers: ["challenger"] }, seedC1, "challenger", act);
    for (const s of [r.paused, r.after]) expect(byId(s.claims, "c1")?.status).not.toBe("green");
  });

  // Was broken, fixed after this attack (StateSchema, zod): PostgreSQL's pending write for rogue is the captured batch (the array's toJSON), a fresh
  // saver's getState of the interrupted thread shows c1 green (verifiedBy challenger, task of thread "b"), and after
  // the resume c1 stays green: the node-time check judged the array's items (an innocent claim of rogue's), the
  // checkpoint saved and the resume applied other content. rogue is not a declared verifier.
  it("rogue's claims array whose toJSON is a sealed batch captured in another thread never greens c1", async () => {
    let captured: object = {};
    const setup: Setup = async (rig) => {
      await rig.seed("c1");
      await rig.run(["researcher"], [() => ({ claims: [newClaim("c1")] })], {}, "b");
      const x = batch("challenger", [green("c1")], ["e1"]);
      await rig.run(["challenger"], [() => ({ claims: x })], {}, "b");
      captured = JSON.parse(JSON.stringify(x)) as object;
    };
    const act = () => ({ claims: withToJSON([newClaim("n1", "rogue")], captured) });
    const r = await interruptAndResume(style, { verifiers: ["challenger"] }, setup, "rogue", act);
    for (const s of [r.paused, r.after]) expect(byId(s.claims, "c1")?.status).not.toBe("green");
  });
});
