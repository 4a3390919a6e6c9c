// Promise 3: a verdict batch edited in place after the node returned (after the node-time seal, before the
// reducer runs), its seal removed, copied, replayed, or JSON round-tripped, is rejected or changes no status;
// with a PostgreSQL checkpointer (a fresh schema per test, read back by a fresh saver) and in memory.
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import * as home from "../../../src/index.js";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { STYLES, Rig, byId, newClaim, rejection, sleep, verdict, type Claim, type Style } from "./kit.js";

type Batch = ReturnType<typeof verdict> & { seal?: unknown; versions?: number[]; task?: string; at?: string };
type V = { id: string; status: string; reason: string; evidence: string[] };
const v0 = (b: Batch) => b.verdicts[0] as unknown as V;
const MUTATIONS: Record<string, (b: Batch) => void> = {
  "verdicts[0].status red→green": (b) => void (v0(b).status = "green"),
  "verdicts[0].id c1→c2": (b) => void (v0(b).id = "c2"),
  "evidence replaced": (b) => void v0(b).evidence.splice(0, 1, "ghost"),
  "fetched pushed": (b) => void (b as unknown as { fetched: string[] }).fetched.push("ghost"),
  "a verdict pushed": (b) => void (b.verdicts as unknown as V[]).push({ id: "c2", status: "green", reason: "x", evidence: ["ev1"] }),
  "seal deleted": (b) => void delete b.seal,
  "seal replaced": (b) => void (b.seal = { k: "x", mac: "y" }),
  "versions edited": (b) => void (b.versions = [3]),
  "task edited": (b) => void (b.task = "sneaky:0"),
  "verifier edited": (b) => void ((b as { verifier: string }).verifier = "sneaky"),
};
const savers = usePostgresSavers("fb_atk4m");
const backends: [string, () => Promise<{ saver: BaseCheckpointSaver; reread: () => Promise<BaseCheckpointSaver> }>][] = [
  ["memory", async () => {
    const saver = new MemorySaver();
    return { saver, reread: async () => saver };
  }],
  ["postgres", async () => {
    const { saver, schema } = await savers.open();
    return { saver, reread: async () => (await savers.open(schema)).saver };
  }],
];

/** challenger returns a red verdict on c1 and edits the returned batch once it is sealed (or after 100 ms);
 * a sibling holds the superstep open until the edit is done, so the reducer sees the edited object. */
async function mutateAfterReturn(style: Style, saver: BaseCheckpointSaver, mutate: (b: Batch) => void) {
  const rig = new Rig(home, style, saver);
  await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1"), newClaim("c2")] })]);
  let release!: () => void;
  const edited = new Promise<void>((r) => (release = r));
  const e = await rejection(() =>
    rig.run("t", ["challenger", "slow"], [
      () => {
        const b = verdict(home, ["c1"], "red", "ev1") as Batch;
        void (async () => {
          for (let i = 0; i < 50 && b.seal === undefined; i++) await sleep(2);
          try {
            mutate(b);
          } catch {
            // StateSchema and zod state freeze the checked update at node time: the edit itself is refused.
          } finally {
            release();
          }
        })();
        return { claims: b };
      },
      async () => {
        await edited;
        return {};
      },
    ]),
  );
  return { rig, e };
}

/** The edit took no effect: c1 is unverified (rejected) or red as sealed, c2 untouched, the record as sealed. */
function asSealedOrUnchanged(cs: Claim[]) {
  const c1 = byId(cs, "c1");
  expect(["unverified", "red"]).toContain(c1.status);
  if (c1.status === "red") {
    expect(c1.verifiedBy?.evidence).toEqual(["ev1"]);
    expect(c1.verifiedBy?.verifier).toBe("challenger");
  }
  expect(byId(cs, "c2").status).toBe("unverified");
  expect(byId(cs, "c2").verifiedBy).toBeUndefined();
}

describe.each(backends)("in-place edits of a returned verdict batch (%s)", (_name, open) => {
  describe.each(STYLES)("%s", (style) => {
    it.each(Object.keys(MUTATIONS))("%s after the seal: no effect", async (m) => {
      const { saver, reread } = await open();
      await mutateAfterReturn(style, saver, MUTATIONS[m]!);
      asSealedOrUnchanged(await new Rig(home, style, await reread()).claims("t"));
    });
  });
});

describe.each(backends)("copied, replayed and JSON round-tripped batches (%s)", (_name, open) => {
  it.each(STYLES)("%s: a sealed batch captured and written again by a non-verifier or the verifier changes nothing", async (style) => {
    const { saver, reread } = await open();
    const rig = new Rig(home, style, saver);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const b = verdict(home, ["c1"], "green", "ev1");
    await rig.run("t", ["challenger"], [() => ({ claims: b })]);
    await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "red", "ev2") })]);
    const copy = JSON.parse(JSON.stringify(b)) as Batch;
    for (const node of ["sneaky", "challenger", "researcher"] as const) await rejection(() => rig.run("t", [node], [() => ({ claims: structuredClone(copy) })]));
    await rejection(() => rig.graph.updateState(rig.cfg("t"), { claims: structuredClone(copy) }, "challenger"));
    await rejection(() => rig.run("t", ["slow"], [() => ({})], { claims: structuredClone(copy) as never }));
    expect(byId(await new Rig(home, style, await reread()).claims("t"), "c1").status).toBe("red");
  });
});
