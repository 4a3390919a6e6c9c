// Promise 1 (same process): without FIREBREAK_CLAIMS_KEY the random key is one per process, shared by every
// copy of the package loaded in it, so a verdict sealed by one copy is trusted by a graph built with another.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as home from "../../../src/index.js";
import { STYLES, Rig, byId, handOn, newClaim, rejection, verdict, verifiedClaims, type Lib } from "./kit.js";

const ENV = "FIREBREAK_CLAIMS_KEY";
const saved = process.env[ENV];
beforeEach(() => void delete process.env[ENV]);
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "fb-atk4-copy-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A second copy of the package's source tree on another path (node_modules shared by symlink). */
let copy: Promise<Lib> | undefined;
const copiedTree = (): Promise<Lib> => (copy ??= makeCopy());
async function makeCopy(): Promise<Lib> {
  for (const d of ["src", "nodes", "checkpointers"]) cpSync(join(root, d), join(tmp, d), { recursive: true });
  cpSync(join(root, "package.json"), join(tmp, "package.json"));
  symlinkSync(join(root, "node_modules"), join(tmp, "node_modules"));
  return (await import(/* @vite-ignore */ pathToFileURL(join(tmp, "src/index.ts")).href)) as Lib;
}

/** A fresh evaluation of every module of the package, as a second installed copy would be. */
async function reloaded(): Promise<Lib> {
  vi.resetModules();
  return (await import("../../../src/index.js")) as Lib;
}

describe("copies of the package in one process share the random key", () => {
  it.each(STYLES)("a reloaded copy (vi.resetModules) trusts the home copy's verdicts and vice versa (%s)", async (style) => {
    const other = await reloaded();
    expect(other.claimsChannel).not.toBe(home.claimsChannel);
    for (const [a, b] of [[home, other], [other, home]] as const) {
      const got = await handOn(b, style, await verifiedClaims(a, style));
      expect(got.error).toBeUndefined();
      expect(byId(got.claims!, "c1").status).toBe("green");
      expect(byId(got.claims!, "c2").requiresVerification).toBe(false);
    }
  });

  it.each(STYLES)("a copy of the source tree on another path trusts the home copy's verdicts and vice versa (%s)", async (style) => {
    const other = await copiedTree();
    expect(other.claimsChannel).not.toBe(home.claimsChannel);
    for (const [a, b] of [[home, other], [other, home]] as const) {
      const got = await handOn(b, style, await verifiedClaims(a, style));
      expect(got.error).toBeUndefined();
      expect(byId(got.claims!, "c1").status).toBe("green");
    }
  });

  it.each(STYLES)("a verifier node using another copy's claimVerdicts is sealed and counts in this copy's graph (%s)", async (style) => {
    const other = await reloaded();
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const out = await rig.run("t", ["challenger"], [() => ({ claims: verdict(other, ["c1"], "red") })]);
    expect(byId(out, "c1").status).toBe("red");
  });

  it.each(STYLES)("a non-verifier using another copy still cannot write a verdict (%s)", async (style) => {
    const other = await reloaded();
    const rig = new Rig(home, style);
    await rig.run("t", ["researcher"], [() => ({ claims: [newClaim("c1")] })]);
    const e = await rejection(() => rig.run("t", ["sneaky"], [() => ({ claims: verdict(other, ["c1"], "green") })]));
    expect(e).toBeInstanceOf(Error);
    expect(byId(await rig.claims("t"), "c1").status).not.toBe("green");
  });

  it.each(STYLES)("seals made with the random key stay trusted after the variable was set and unset again (%s)", async (style) => {
    const claims = await verifiedClaims(home, style);
    process.env[ENV] = "z".repeat(48);
    await verifiedClaims(home, style);
    process.env[ENV] = "too-short";
    delete process.env[ENV];
    const other = await reloaded();
    for (const lib of [home, other]) {
      const got = await handOn(lib, style, claims);
      expect(got.error).toBeUndefined();
      expect(byId(got.claims!, "c1").status).toBe("green");
    }
  });
});
