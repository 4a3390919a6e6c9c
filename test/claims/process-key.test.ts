/**
 * Without `FIREBREAK_CLAIMS_KEY`, the random claims key is one per process, shared by every copy
 * of the package loaded in it (an installed package beside a tsx-loaded graph module): a seal
 * made by one copy is valid in another, so a guard's verdicts are not "foreign" to the claims
 * channel of the graph it guards.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const ENV = "FIREBREAK_CLAIMS_KEY";
let saved: string | undefined;

beforeEach(() => {
  saved = process.env[ENV];
  delete process.env[ENV];
});
afterEach(() => {
  if (saved === undefined) delete process.env[ENV];
  else process.env[ENV] = saved;
});

/** A fresh copy of the seal module, as a second installed copy of the package would load it. */
async function copyOfSeal() {
  vi.resetModules();
  return import("../../src/claims/seal.js");
}

describe("the process's random claims key", () => {
  it("is shared by two copies of the package: a seal from one checks valid in the other", async () => {
    const one = await copyOfSeal();
    const two = await copyOfSeal();
    expect(one).not.toBe(two); // two module instances, as two copies of the package
    const payload = ["firebreak/verdicts@2", "challenger", null, [], []];
    const sealed = one.seal(payload);
    expect(two.checkSeal(sealed, payload)).toBe("valid");
    expect(two.checkSeal({ ...sealed, mac: sealed.mac.replace(/.$/, (c) => (c === "A" ? "B" : "A")) }, payload)).toBe("invalid");
  });

  it("is not used once FIREBREAK_CLAIMS_KEY is set: a seal made with the random key is then foreign", async () => {
    const one = await copyOfSeal();
    const payload = ["x"];
    const sealed = one.seal(payload);
    process.env[ENV] = "k".repeat(40);
    expect(one.checkSeal(sealed, payload)).toBe("foreign");
  });
});
