// Promise 1 (verifier identity): "a verdict batch counts only when the node the graph declares as that verifier
// writes it" and "each batch is read once at the node-time check — a getter or a Proxy answering one verifier
// there and another later cannot change what was checked, sealed and applied". "rogue" (a verifier-role node in
// Annotation.Root, a plain node elsewhere) tries to get a verdict recorded in "challenger"'s name with objects
// that answer differently on different reads. Checked: no record names challenger unless challenger's own task
// wrote it, c1 is never green, and any rejection is an InvalidClaimError/WriteContractError naming "rogue".
import { describe, expect, it } from "vitest";
import * as lib from "../../../src/index.js";
import { Rig, STYLES, batch, byId, clearError, flip, green, newClaim, noForgedChallenger, proxyFlip, type Style } from "./kit.js";

const K = lib.CLAIM_VERDICTS_KIND;
const LISTS: [string, string[] | undefined][] = [
  ["no verifiers list", undefined],
  ["verifiers [challenger, rogue]", ["challenger", "rogue"]],
  ["verifiers [challenger]", ["challenger"]],
];

/** rogue writes what `make` returns after c1 is seeded; returns the error and the stored claims. */
async function rogueWrites(style: Style, verifiers: string[] | undefined, make: () => unknown) {
  const rig = new Rig(style, undefined, verifiers ? { verifiers } : {});
  await rig.seed("c1");
  const e = await rig.attempt(["rogue"], [make]);
  return { e, claims: await rig.claims() };
}

async function expectNoForgery(style: Style, verifiers: string[] | undefined, make: () => unknown) {
  const { e, claims } = await rogueWrites(style, verifiers, make);
  clearError(e, "rogue");
  noForgedChallenger(claims);
  const rec = byId(claims, "c1")?.verifiedBy;
  if (rec) expect(rec.verifier).toBe("rogue");
}

const rogueBatch = () => batch("rogue", [green("c1")], ["e1"]);
const challengerBatch = () => batch("challenger", [green("c1")], ["e1"]);

describe.each(STYLES)("%s", (style) => {
  describe.each(LISTS)("%s", (_l, verifiers) => {
    it("getter on verifier: rogue for N reads, challenger afterwards (N = 0..10)", async () => {
      for (let k = 0; k <= 10; k++)
        await expectNoForgery(style, verifiers, () => {
          const b = rogueBatch();
          flip(b, "verifier", "rogue", "challenger", k);
          return { claims: b };
        });
    });

    it("Proxy around the batch answering rogue then challenger (N = 0..10)", async () => {
      for (let k = 0; k <= 10; k++) await expectNoForgery(style, verifiers, () => ({ claims: proxyFlip(rogueBatch(), "verifier", "rogue", "challenger", k) }));
    });

    it("Proxy around the update object: claims is rogue's batch for N reads, challenger's afterwards", async () => {
      for (let k = 0; k <= 10; k++) {
        const [first, later] = [rogueBatch(), challengerBatch()];
        await expectNoForgery(style, verifiers, () => proxyFlip({ claims: first }, "claims", first, later, k));
      }
    });

    it("Proxy around the claims array: item 0 is rogue's batch for N reads, challenger's afterwards: no forged record", async () => {
      for (let k = 0; k <= 10; k++) {
        const [first, later] = [rogueBatch(), challengerBatch()];
        const { claims } = await rogueWrites(style, verifiers, () => ({ claims: proxyFlip([first], "0", first, later, k) }));
        noForgedChallenger(claims);
      }
    });

    // Was broken, fixed after this attack (StateSchema, zod; lists that admit rogue): for N = 3..5 the node-time check read rogue's batch but the
    // reducer later read the challenger's unsealed batch from the array and rejected it with an error that does not
    // name the node ("Claims update rejected: item 0 ... field "seal" ..."): the item is read again after the check.
    it("Proxy around the claims array: a rejection names rogue (read once at the check)", async () => {
      for (let k = 0; k <= 10; k++) {
        const [first, later] = [rogueBatch(), challengerBatch()];
        await expectNoForgery(style, verifiers, () => ({ claims: proxyFlip([first], "0", first, later, k) }));
      }
    });

    it("getter on kind: a new claim of rogue's for N reads, challenger's batch afterwards", async () => {
      for (let k = 0; k <= 10; k++)
        await expectNoForgery(style, verifiers, () => {
          const o: Record<string, unknown> = { ...newClaim("n1", "rogue"), verifier: "challenger", verdicts: [green("c1")], fetched: ["e1"] };
          flip(o, "kind", undefined, K, k);
          return { claims: [o] };
        });
    });

    it("a batch whose fields sit on its prototype", async () => {
      await expectNoForgery(style, verifiers, () => ({ claims: Object.create({ kind: K, verifier: "challenger", verdicts: [green("c1")], fetched: ["e1"] }) }));
      await expectNoForgery(style, verifiers, () => {
        const own = Object.create({ verifier: "challenger" }) as Record<string, unknown>;
        Object.assign(own, { kind: K, verdicts: [green("c1")], fetched: ["e1"] });
        return { claims: own };
      });
    });

    it("verifier as an object with Symbol.toPrimitive (rogue on the first read, challenger later)", async () => {
      for (let k = 0; k <= 3; k++) {
        let n = 0;
        const v = { [Symbol.toPrimitive]: () => (n++ < k ? "rogue" : "challenger") };
        await expectNoForgery(style, verifiers, () => ({ claims: { ...rogueBatch(), verifier: v } }));
      }
    });

    it("an array carrying a batch's fields as extra non-index properties", async () => {
      await expectNoForgery(style, verifiers, () => ({
        claims: Object.assign([newClaim("n1", "rogue")], { kind: K, verifier: "challenger", verdicts: [green("c1")], fetched: ["e1"] }),
      }));
    });
  });
});
