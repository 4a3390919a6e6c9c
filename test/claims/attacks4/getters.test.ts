// Promise 3 (written by a node that is not the declared verifier): a batch whose `verifier` property answers
// differently on later reads (a getter; an in-place edit the node arranges to land after the authority check).
import { describe, expect, it } from "vitest";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import * as home from "../../../src/index.js";
import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { Rig, byId, handOn, newClaim, rejection, type Claim, type Style } from "./kit.js";

/** Makes `obj[key]` answer `first` on the first `k` reads and `later` afterwards. */
function flip(obj: object, key: string, first: string, later: string, k: number) {
  let n = 0;
  Object.defineProperty(obj, key, { get: () => (n++ < k ? first : later), enumerable: true, configurable: true });
}

/** "sneaky" writes a green batch that reads as signed by "sneaky" first and by "challenger" afterwards. */
async function impersonate(style: Style, verifiers: string[] | undefined, k: number, saver?: BaseCheckpointSaver): Promise<Claim[]> {
  const rig = new Rig(home, style, saver, verifiers ? { verifiers } : {});
  await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
  await rejection(() =>
    rig.run("t", ["sneaky"], [
      () => {
        const b = home.claimVerdicts("sneaky", [{ id: "c1", status: "green", reason: "looks fine", evidence: ["e1"] }], { fetched: ["e1"] });
        flip(b, "verifier", "sneaky", "challenger", k);
        return { claims: b };
      },
    ]),
  );
  return rig.claims("t");
}

/** No node but "challenger" ever signed as "challenger": a record naming it must come from that node. */
function notImpersonated(claims: Claim[]) {
  const c = byId(claims, "c1");
  if (c.verifiedBy?.verifier === "challenger") expect(c.verifiedBy.task ?? "").toMatch(/^challenger:/);
  expect(c.verifiedBy?.verifier).not.toBe("challenger");
}

describe.each(["schema", "zod"] as const)("a getter on the batch's verifier (%s)", (style) => {
  it("with verifiers listed, a non-verifier's batch is rejected whatever its getter answers later", async () => {
    for (let k = 0; k < 8; k++) expect(byId(await impersonate(style, ["challenger"], k), "c1").status).toBe("unverified");
  });

  // Was broken (a getter answering one verifier at the node-time check and another when recorded);
  // fixed: every check, the seal and what the channel applies judge one reading of the batch.
  it("with no verifiers list, a node cannot record a verdict in another verifier's name", async () => {
    for (let k = 0; k < 8; k++) notImpersonated(await impersonate(style, undefined, k));
  });

  // Was broken (a getter answering one verifier at the node-time check and another when recorded);
  // fixed: every check, the seal and what the channel applies judge one reading of the batch.
  it("a listed verifier cannot record a verdict in another listed verifier's name", async () => {
    for (let k = 0; k < 8; k++) notImpersonated(await impersonate(style, ["challenger", "sneaky"], k));
  });

  // Was broken (a getter answering one verifier at the node-time check and another when recorded);
  // fixed: every check, the seal and what the channel applies judge one reading of the batch.
  it("the forged record does not make the claim green in a graph that trusts only challenger", async () => {
    const forged = JSON.parse(JSON.stringify(await impersonate(style, undefined, 1))) as Claim[];
    const got = await handOn(home, style, forged);
    if (got.claims) expect(byId(got.claims, "c1").status).not.toBe("green");
  });
});

describe("a getter on the batch's verifier (annotation, withWriteContract verifier)", () => {
  it("is rejected or records no one but the signer", async () => {
    for (let k = 0; k < 8; k++) notImpersonated(await impersonate("annotation", undefined, k));
  });
});

const savers = usePostgresSavers("fb_atk4g");
describe.each(["schema", "zod"] as const)("persisted (%s, PostgreSQL)", (style) => {
  // Was broken (a getter answering one verifier at the node-time check and another when recorded);
  // fixed: every check, the seal and what the channel applies judge one reading of the batch.
  it("a verdict recorded in another verifier's name is not saved", async () => {
    const { saver, schema } = await savers.open();
    await impersonate(style, undefined, 1, saver);
    await savers.closeAll();
    const back = await new Rig(home, style, (await savers.open(schema)).saver, {}).claims("t");
    notImpersonated(back);
  });
});

describe.each(["schema", "zod", "annotation"] as const)("a getter on the batch's verdicts array (%s)", (style) => {
  it("red without evidence on early reads, green on c1 and c2 later: never green", async () => {
    for (let k = 0; k < 10; k++) {
      const rig = new Rig(home, style);
      await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1"), newClaim("c2")] })]);
      await rejection(() =>
        rig.run("t", ["challenger"], [
          () => {
            const b = home.claimVerdicts("challenger", [{ id: "c1", status: "red", reason: "r", evidence: [] }]);
            const [red, green] = [b.verdicts, ["c1", "c2"].map((id) => ({ id, status: "green", reason: "r", evidence: [] }))];
            let n = 0;
            Object.defineProperty(b, "verdicts", { get: () => (n++ < k ? red : green), enumerable: true });
            return { claims: b };
          },
        ]),
      );
      for (const c of await rig.claims("t")) expect(c.status).not.toBe("green");
    }
  });
});
