/** createBicrGuard and fault plans: the same hostile inputs, the same promise. */
import { describe, it } from "vitest";
import { claimsChannel, intentChannel } from "../../src/index.js";
import { createBicrGuard, createChallenger, guardRecordsChannel } from "../../nodes/index.js";
import { createCascadeGraph, injectFaults } from "../../src/chaos/index.js";
import { StateSchema } from "@langchain/langgraph";
import { scriptedJudge } from "../../src/testing/index.js";
import { MB, expectInvalid, hugeKey, revokedProxy, run, throwingGetter } from "./support/outcomes.js";
import { expect } from "vitest";

const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel(), guardRecords: guardRecordsChannel() });
const valid = () => ({
  producer: () => ({ claims: [] }),
  challenger: createChallenger({ model: scriptedJudge(() => "green") }),
  state: State,
  name: "researcher",
});

describe("createBicrGuard: hostile options", () => {
  const cases: Array<[string, () => unknown, string | RegExp | undefined, string?]> = [
    ["empty options", () => ({}), /producer|challenger|state/],
    ["maxAttempts NaN", () => ({ ...valid(), maxAttempts: NaN }), "maxAttempts"],
    ["maxAttempts 1e9", () => ({ ...valid(), maxAttempts: 1e9 }), "maxAttempts"],
    ["confidenceFloor 2", () => ({ ...valid(), confidenceFloor: 2 }), "confidenceFloor"],
    ["blockOn unknown", () => ({ ...valid(), blockOn: ["green", MB] }), "blockOn"],
    ["onExhausted 1 MB", () => ({ ...valid(), onExhausted: MB }), "onExhausted"],
    ["name 1 MB", () => ({ ...valid(), name: MB }), "name"],
    ["producer a string", () => ({ ...valid(), producer: "node" }), "producer"],
    ["challenger a string", () => ({ ...valid(), challenger: "gpt" }), "challenger"],
    ["unknown key", () => ({ ...valid(), retries: 3 }), "retries"],
    ["unknown key one megabyte long", () => hugeKey(valid()), undefined],
    // Was broken (fixed since): a throwing getter (own Error, 5000-char message echoed whole) escapes raw, not INVALID_OPTIONS
    ["getter on maxAttempts throws", () => throwingGetter(valid(), "maxAttempts"), "maxAttempts", "a throwing getter escapes raw, not INVALID_OPTIONS"],
    // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
    ["revoked proxy", () => revokedProxy(), undefined, "a revoked Proxy escapes as a raw TypeError, not INVALID_OPTIONS"],
  ];
  for (const [label, make, option, broken] of cases) {
    it(broken ? `${label} [was broken, fixed: ${broken}]` : label, async () => {
      await expectInvalid(() => createBicrGuard(make() as never), option);
    });
  }
  it("valid options build a guard", async () => {
    const outcome = await run(() => createBicrGuard(valid() as never));
    expect(outcome.error).toBeUndefined();
  });
});

describe("injectFaults: hostile fault plans", () => {
  const falsehood = { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" };
  const plan = (over: Record<string, unknown>) => ({ targets: "hub", fault: falsehood, ...over });
  const cases: Array<[string, () => unknown, string | RegExp | undefined]> = [
    ["probability NaN", () => plan({ probability: NaN }), "probability"],
    ["probability 2", () => plan({ probability: 2 }), "probability"],
    ["calls a 1 MB string", () => plan({ calls: MB }), "calls"],
    ["fault kind unknown", () => plan({ fault: { kind: "meteor" } }), "fault"],
    ["fault text 1 MB with an unknown key", () => plan({ fault: { ...falsehood, text: MB, extra: 1 } }), "fault"],
    ["targets a number", () => plan({ targets: 42 }), "targets"],
    ["unknown key", () => plan({ when: "always" }), "when"],
    ["latency fault ms 2**31", () => plan({ fault: { kind: "latency", ms: 2 ** 31 } }), "fault"],
  ];
  for (const [label, make, option] of cases) {
    it(label, async () => {
      await expectInvalid(() => injectFaults(createCascadeGraph({ workers: 2 }), make() as never), option);
    });
  }
  it("a valid plan is accepted", async () => {
    const outcome = await run(() => injectFaults(createCascadeGraph({ workers: 2 }), plan({}) as never));
    expect(outcome.error).toBeUndefined();
  });
});
