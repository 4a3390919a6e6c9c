// Promise 2: FIREBREAK_CLAIMS_KEY (≥ 32 characters) — shorter keys are refused with an error naming the
// variable; changing the key makes earlier seals foreign (unconfirmed), never trusted, never a crash.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as home from "../../../src/index.js";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { STYLES, Rig, byId, handOn, newClaim, rejection, verdict, verifiedClaims, type Claim } from "./kit.js";

const ENV = "FIREBREAK_CLAIMS_KEY";
const saved = process.env[ENV];
beforeEach(() => void delete process.env[ENV]);
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});
const K1 = "rotation-one-" + "0123456789abcdef".repeat(2);
const K2 = "rotation-two-" + "fedcba9876543210".repeat(2);
const savers = usePostgresSavers("fb_atk4k");

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
function unconfirmed(c: Claim) {
  expect(c.status).not.toBe("green");
  expect(c.requiresVerification).toBe(true);
}

describe("key length", () => {
  it.each([["31 characters", "k".repeat(31)], ["5 characters", "short"]])("a key of %s is refused with an error naming the variable", async (_n, key) => {
    process.env[ENV] = key;
    const rig = new Rig(home, "schema");
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const e = await rejection(() => rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "green") })]));
    expect(message(e)).toContain(ENV);
    expect(byId(await rig.claims("t"), "c1").status).toBe("unverified");
  });

  it("a key of exactly 32 characters is accepted", async () => {
    process.env[ENV] = "k".repeat(32);
    expect(byId(await verifiedClaims(home, "zod"), "c1").status).toBe("green");
  });

  it("handing sealed claims on under a too-short key is refused with an error naming the variable, never green", async () => {
    const claims = await verifiedClaims(home, "schema");
    process.env[ENV] = "x".repeat(20);
    const got = await handOn(home, "schema", claims);
    if (got.error === undefined) unconfirmed(byId(got.claims!, "c1"));
    else expect(message(got.error)).toContain(ENV);
  });

  // An empty value (a secret that failed to render into the environment) is shorter than 32 characters.
  // Was broken: FIREBREAK_CLAIMS_KEY="" was taken as unset (each process silently drew its own random key).
  it("an empty FIREBREAK_CLAIMS_KEY is refused like any key shorter than 32 characters", async () => {
    process.env[ENV] = "";
    const rig = new Rig(home, "schema");
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const e = await rejection(() => rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "green") })]));
    expect(message(e)).toContain(ENV);
  });
});

describe.each(STYLES)("changing the key (%s)", (style) => {
  it("claims sealed under K1 arrive unconfirmed under K2 and under the random key; back under K1 they are green", async () => {
    process.env[ENV] = K1;
    const claims = await verifiedClaims(home, style);
    process.env[ENV] = K2;
    const r2 = await handOn(home, style, claims);
    expect(r2.error).toBeUndefined();
    unconfirmed(byId(r2.claims!, "c1"));
    unconfirmed(byId(r2.claims!, "c2"));
    delete process.env[ENV];
    const r0 = await handOn(home, style, claims);
    expect(r0.error).toBeUndefined();
    unconfirmed(byId(r0.claims!, "c1"));
    process.env[ENV] = K1;
    expect(byId((await handOn(home, style, claims)).claims!, "c1").status).toBe("green");
  });

  it.each([["K2", K2, false], ["K1 (control)", K1, true]])("a verifier's write saved under K1 and re-applied under %s (PostgreSQL resume): trusted only under K1", async (_n, later, trusted) => {
    process.env[ENV] = K1;
    const { saver, schema } = await savers.open();
    const rig = new Rig(home, style, saver);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1"), newClaim("c2", ["c1"])] })]);
    const crash = () => {
      throw new Error("sibling crashed");
    };
    const e = await rejection(() => rig.run("t", ["challenger", "slow"], [() => ({ claims: verdict(home, ["c1"], "green") }), crash]));
    expect(message(e)).toContain("sibling crashed");
    process.env[ENV] = later;
    await savers.closeAll();
    const fresh = new Rig(home, style, (await savers.open(schema)).saver);
    fresh.plan.slow = () => ({});
    const err = await rejection(() => fresh.graph.invoke(null, fresh.cfg("t")));
    expect(err).toBeUndefined();
    const cs = await fresh.claims("t");
    if (trusted) expect(byId(cs, "c1").status).toBe("green");
    else unconfirmed(byId(cs, "c1"));
    unconfirmed(byId(cs, "c2"));
  });

  it("a claim judged under K1 can be judged again under K2 without a crash", async () => {
    process.env[ENV] = K1;
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "red") })]);
    process.env[ENV] = K2;
    const out = await rig.run("t", ["challenger"], [() => ({ claims: verdict(home, ["c1"], "green") })]);
    expect(byId(out, "c1").status).toBe("green");
  });
});
