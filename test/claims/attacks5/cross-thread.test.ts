// Promise 1: "a batch replayed on a byte-identical claim in another thread whose claim is at the same version ... is
// accepted only when the verifier's own node writes it; written by any other node it is rejected at node time" and
// "each batch is read once at the node-time check". Attack: the non-verifier "rogue" returns a claims array whose
// item 0 is an innocent new claim while the node-time check reads it, and the challenger's sealed batch captured
// from another thread (JSON round-tripped, as a stream or a checkpoint shows it) when LangGraph applies the write.
import { describe, expect, it } from "vitest";
import { Rig, STYLES, batch, byId, green, newClaim, noForgedChallenger, proxyFlip, rejection, type Claim, type Style } from "./kit.js";

/** Thread "b": c1 verified green by challenger; returns the sealed batch as challenger's write showed it. */
async function captureSealed(rig: Rig): Promise<object> {
  await rig.run(["researcher"], [() => ({ claims: [newClaim("c1")] })], {}, "b");
  const x = batch("challenger", [green("c1")], ["e1"]);
  await rig.run(["challenger"], [() => ({ claims: x })], {}, "b");
  return JSON.parse(JSON.stringify(x)) as object;
}

/** rogue, in thread "t" (c1 identical, never judged), writes the array; returns c1 there. */
async function replayThroughArray(style: Style, array: (innocent: object, x: object) => unknown[]): Promise<Claim[]> {
  const rig = new Rig(style, undefined, { verifiers: ["challenger"] });
  await rig.seed("c1");
  const x = await captureSealed(rig);
  await rig.attempt(["rogue"], [() => ({ claims: array(newClaim("n1", "rogue"), x) })]);
  return rig.claims();
}

const notForged = (cs: Claim[]) => {
  expect(byId(cs, "c1")?.status).not.toBe("green");
  expect(byId(cs, "c1")?.verifiedBy?.verifier).not.toBe("challenger"); // nobody but rogue wrote on thread t
  noForgedChallenger(cs.filter((c) => c.id !== "c1"));
};

describe.each(STYLES)("%s", (style) => {
  // Was broken, fixed after this attack (StateSchema, zod): for N = 1, 2, 4, 5, 6 c1 ends green, verifiedBy challenger, written by rogue (a node the
  // graph does not declare as verifier): the check judged the innocent claim, the reducer applied the replayed batch.
  it("a Proxy claims array (innocent for N reads, a captured sealed batch afterwards) never greens c1", async () => {
    for (let k = 1; k <= 10; k++) notForged(await replayThroughArray(style, (a, x) => proxyFlip([a], "0", a, x, k)));
  });

  // Was broken, fixed after this attack (StateSchema, zod): same with a plain array whose index 0 is an accessor property.
  it("an array whose index 0 is a getter (innocent, then the captured batch) never greens c1", async () => {
    for (let k = 1; k <= 10; k++)
      notForged(
        await replayThroughArray(style, (a, x) => {
          const arr: unknown[] = [];
          let n = 0;
          Object.defineProperty(arr, "0", { get: () => (n++ < k ? a : x), enumerable: true, configurable: true });
          return arr;
        }),
      );
  });

  it("control: the captured batch written plainly by rogue is rejected", async () => {
    notForged(await replayThroughArray(style, (_a, x) => [x]));
  });

  it("control: the captured batch given as graph input or through updateState on thread t never greens c1", async () => {
    const rig = new Rig(style, undefined, { verifiers: ["challenger"] });
    await rig.seed("c1");
    const x = await captureSealed(rig);
    await rig.attempt(["slow"], [() => ({})], { claims: structuredClone(x) });
    await rejection(() => (rig.graph as unknown as { updateState(c: unknown, v: unknown, n?: string): Promise<unknown> }).updateState(rig.cfg(), { claims: structuredClone(x) }, "rogue"));
    notForged(await rig.claims());
  });
});
