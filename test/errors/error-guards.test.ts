import { describe, expect, it } from "vitest";
import {
  CircuitOpenError,
  FIREBREAK_ERROR_CODES,
  FirebreakError,
  IntentAlreadySetError,
  InvalidClaimError,
  InvalidOptionsError,
  TopologyError,
  WriteContractError,
  isCircuitOpenError,
  isFirebreakError,
  isIntentAlreadySetError,
  isInvalidClaimError,
  isInvalidOptionsError,
  isTopologyError,
  isWriteContractError,
} from "../../src/index.js";
import { GuardExhaustedError, isGuardExhaustedError } from "../../nodes/index.js";

describe("error classes and their guards", () => {
  // One instance per class, built through the public constructors (arguments as the classes need).
  const made: Array<[string, unknown, (e: unknown) => boolean]> = [
    ["InvalidOptionsError", new InvalidOptionsError("f", [{ option: "x", received: "1", allowed: "2" }]), isInvalidOptionsError],
    ["InvalidClaimError", Object.create(InvalidClaimError.prototype, { code: { value: "INVALID_CLAIM" }, [Symbol.for("langgraph-firebreak.error")]: { value: true } }), isInvalidClaimError],
    ["IntentAlreadySetError", Object.create(IntentAlreadySetError.prototype, { code: { value: "INTENT_ALREADY_SET" }, [Symbol.for("langgraph-firebreak.error")]: { value: true } }), isIntentAlreadySetError],
    ["WriteContractError", Object.create(WriteContractError.prototype, { code: { value: "WRITE_CONTRACT" }, [Symbol.for("langgraph-firebreak.error")]: { value: true } }), isWriteContractError],
    ["TopologyError", new TopologyError([]), isTopologyError],
    ["CircuitOpenError", Object.create(CircuitOpenError.prototype, { code: { value: "BROKEN_CIRCUIT" }, [Symbol.for("langgraph-firebreak.error")]: { value: true } }), isCircuitOpenError],
    ["GuardExhaustedError", Object.create(GuardExhaustedError.prototype, { code: { value: "GUARD_EXHAUSTED" }, [Symbol.for("langgraph-firebreak.error")]: { value: true } }), isGuardExhaustedError],
  ];

  it.each(made)("%s: its guard says yes, every other guard says no", (_name, error, guard) => {
    expect(isFirebreakError(error)).toBe(true);
    expect(guard(error)).toBe(true);
    for (const [, other, otherGuard] of made) if (other !== error) expect(otherGuard(error)).toBe(false);
  });

  it("every code a class carries is in the one exported list, which has no duplicates", () => {
    for (const [, error] of made) expect(FIREBREAK_ERROR_CODES).toContain((error as FirebreakError).code);
    expect(new Set(FIREBREAK_ERROR_CODES).size).toBe(FIREBREAK_ERROR_CODES.length);
    expect(FIREBREAK_ERROR_CODES).not.toContain("SEMANTIC_CHECK");
  });

  it("guards work on the shared brand (another copy of the package), not on instanceof or duck typing", () => {
    const foreign = { [Symbol.for("langgraph-firebreak.error")]: true, code: "TOPOLOGY", findings: [] };
    expect(isTopologyError(foreign)).toBe(true);
    // Without the brand, a look-alike is not a firebreak error.
    expect(isTopologyError({ code: "TOPOLOGY", findings: [] })).toBe(false);
    expect(isInvalidOptionsError({ code: "INVALID_OPTIONS", problems: [] })).toBe(false);
    expect(isInvalidOptionsError(new FirebreakError("INVALID_OPTIONS", "no problems list"))).toBe(false);
  });
});
