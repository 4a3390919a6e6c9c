// docs/claims.md: "What was checked at node time is what is applied and saved" — with a PostgresSaver (fresh schema per
// test). The writer runs beside "pauser" (interrupts), so its write is saved as a pending write and re-applied from the
// checkpoint on resume. Between the check and the save, and again between the interrupt and the resume, the test edits
// the returned batch through routes a deep freeze may miss (caller-frozen outer object, Command update). Checked on a
// fresh saver after the resume: c1 is not green from challenger's red, no verdict in challenger's name but challenger's.
import { Command } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { Rig, STYLES, batch, byId, green, later, noForgedChallenger, red, rejection, type Claim, type NodeName, type Style } from "./kit.js";

const savers = usePostgresSavers("fb_atk6");
type Obj = Record<string, unknown>;
const WRAPS: [string, (b: Obj) => { update: unknown; target: object }][] = [
  ["caller-frozen update", (b) => { const u = Object.freeze({ claims: b }); return { update: u, target: u }; }],
  ["batch in a caller-frozen array", (b) => { const a = Object.freeze([b]); return { update: { claims: a }, target: a }; }],
  ["Command({ update })", (b) => ({ update: new Command({ update: { claims: b } }), target: b })],
];

async function pausedRace(style: Style, writer: NodeName, b: Obj, wrap: (typeof WRAPS)[number][1], edit: (b: Obj) => void): Promise<Claim[]> {
  const { saver, schema } = await savers.open();
  const rig = new Rig(style, saver);
  await rig.seed("c1");
  if (writer === "rogue") await rig.run(["challenger"], [() => ({ claims: batch("challenger", [red("c1")]) })]);
  const w = wrap(b);
  let returned = false;
  const slow = async () => (await later(() => returned && Object.isFrozen(w.target), () => edit(b)), {});
  await rejection(() => rig.run([writer, "pauser", "slow"], [() => ((returned = true), w.update), () => ({}), slow]));
  edit(b);
  await rejection(() => rig.graph.invoke(new Command({ resume: "go" }), rig.cfg()));
  return new Rig(style, (await savers.open(schema)).saver).claims();
}

const toGreen = (b: Obj) => {
  const v = (b["verdicts"] as Obj[])[0]!;
  Reflect.set(v, "status", "green"), Reflect.set(v, "evidence", ["e9"]), Reflect.set(b, "fetched", ["e9"]);
};

describe.each(STYLES)("%s", (style) => {
  describe.each(WRAPS)("%s", (_n, wrap) => {
    it("challenger's red on c1 edited to green before save and before resume: c1 is not green", async () => {
      const claims = await pausedRace(style, "challenger", batch("challenger", [red("c1")]) as Obj, wrap, toGreen);
      expect(byId(claims, "c1")?.status).not.toBe("green");
    });

    it("rogue's batch re-signed as challenger before save and before resume: no verdict in challenger's name", async () => {
      const claims = await pausedRace(style, "rogue", batch("rogue", [green("c1")], ["e1"]) as Obj, wrap, (b) => void Reflect.set(b, "verifier", "challenger"));
      noForgedChallenger(claims);
      expect(byId(claims, "c1")?.status).not.toBe("green");
    });
  });
});
