/**
 * Attacks on the construction-time validation of every other public factory: the same hostile
 * inputs (unknown keys, a 1 MB key, 10 000 keys, a throwing getter, a revoked Proxy, NaN,
 * BigInt, a 1 MB string) must be INVALID_OPTIONS, bounded, before any model call.
 */
import { describe, expect, it } from "vitest";
import { END, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { analyzeTopology, claimsChannel, compileWithFirebreak, intentChannel } from "../../src/index.js";
import { createChallenger, createSupervisorWorkerGraph, guardNodeInPlace, guardRecordsChannel } from "../../nodes/index.js";
import { createCheckpointer } from "../../checkpointers/index.js";
import { setupTracing } from "../../src/tracing/index.js";
import {
  createCascadeGraph,
  createScriptedJudge,
  measureConsistency,
  runCampaign,
  simulateEpidemic,
  withProviderFaults,
  injectFaults,
} from "../../src/chaos/index.js";
import { ScriptedChatModel, scriptedJudge } from "../../src/testing/index.js";
import { MB, expectInvalid, hugeKey, manyKeys, revokedProxy, run, throwingGetter } from "./support/outcomes.js";

const judge = () => scriptedJudge(() => "green");
const scripted = () => new ScriptedChatModel({ script: ["ok answer"], whenExhausted: "loop" });

function researcherBuilder() {
  const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel(), guardRecords: guardRecordsChannel() });
  return new StateGraph(State)
    .addNode("researcher", () => ({ claims: [{ text: "x is y", confidence: 0.9, origin: { agent: "researcher", source: "model" as const } }] }))
    .addEdge(START, "researcher")
    .addEdge("researcher", END);
}

interface Target {
  name: string;
  /** Calls the factory with `options`; may return a promise. */
  call: (options: unknown) => unknown;
  /** Options that must be accepted. */
  valid: Record<string, unknown>;
  /** A numeric option, for NaN / BigInt / 1e9 / string. */
  numeric: string;
  /** A string option, for the 1 MB string. */
  text?: string;
  /** Whether to run the valid call (false when it would be slow). */
  runValid?: boolean;
  /** Models whose callCount must stay 0. */
  models?: ScriptedChatModel[];
}

const supervisorModel = scripted();
const workerModel = scripted();
const writerModel = scripted();
const faultInner = scripted();

const targets: Target[] = [
  { name: "createChallenger", call: (o) => createChallenger(o as never), valid: { model: judge() }, numeric: "maxClaims", text: "name" },
  {
    name: "guardNodeInPlace",
    call: (o) => guardNodeInPlace(researcherBuilder(), "researcher", o as never),
    valid: { challenger: createChallenger({ model: judge() }), maxAttempts: 3, onExhausted: "fail" },
    numeric: "maxAttempts",
    text: "name",
  },
  {
    name: "createSupervisorWorkerGraph",
    call: (o) => createSupervisorWorkerGraph(o as never),
    valid: {
      supervisor: supervisorModel,
      workers: { researcher: { description: "Finds facts.", model: workerModel } },
      writer: writerModel,
      maxRounds: 6,
    },
    numeric: "maxRounds",
    models: [supervisorModel, workerModel, writerModel],
  },
  { name: "claimsChannel", call: (o) => claimsChannel(o as never), valid: { verifiers: ["challenger"] }, numeric: "maxClaims" },
  {
    name: "analyzeTopology",
    call: (o) => analyzeTopology(createCascadeGraph({ workers: 2 }), o as never),
    valid: { beta: 0.5, delta: 0.5 },
    numeric: "beta",
  },
  {
    name: "compileWithFirebreak",
    call: (o) => compileWithFirebreak(createCascadeGraph({ workers: 2 }) as never, o as never),
    valid: { maxRelayDepth: 10, maxRho: 100 },
    numeric: "maxRelayDepth",
  },
  {
    name: "createCheckpointer",
    call: (o) => createCheckpointer(o as never),
    valid: {},
    numeric: "connectTimeoutMs",
    text: "url",
    runValid: false,
  },
  { name: "setupTracing", call: (o) => setupTracing(o as never), valid: { inMemory: true, sessionId: "s" }, numeric: "flushTimeoutMs", text: "sessionId" },
  { name: "createCascadeGraph", call: (o) => createCascadeGraph(o as never), valid: { workers: 2, adoption: 0.5 }, numeric: "workers" },
  {
    name: "simulateEpidemic",
    call: (o) => simulateEpidemic(createCascadeGraph({ workers: 2 }), o as never),
    valid: { beta: 0.5, delta: 0.5, steps: 3, trials: 2, seed: 1 },
    numeric: "beta",
  },
  {
    name: "withProviderFaults",
    call: (o) => withProviderFaults(faultInner, o as never),
    valid: { rate: 0.5, error: "503", label: "x" },
    numeric: "rate",
    text: "label",
    models: [faultInner],
  },
  { name: "createScriptedJudge", call: (o) => createScriptedJudge(o as never), valid: { recall: 0.9 }, numeric: "recall" },
  {
    name: "injectFaults (options)",
    call: (o) => injectFaults(createCascadeGraph({ workers: 2 }), { targets: "hub", fault: { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" } } as never, o as never),
    valid: {},
    numeric: "seed",
    runValid: false,
  },
  {
    name: "runCampaign",
    call: (o) => runCampaign(() => createCascadeGraph({ workers: 2 }), o as never),
    valid: { input: { task: "t" }, faults: [{ kind: "falsehood", text: "a", value: "b" }], trials: 1, seed: 1 },
    numeric: "trials",
    runValid: false,
  },
  {
    name: "measureConsistency",
    call: (o) => measureConsistency(createCascadeGraph({ workers: 2 }).compile() as never, { task: "t" } as never, o as never),
    valid: { runs: 2 },
    numeric: "runs",
    runValid: false,
  },
];

/** Hostile variants of a target's valid options. */
function hostile(t: Target): Array<[string, () => unknown, string | RegExp | undefined]> {
  const v = t.valid;
  const cases: Array<[string, () => unknown, string | RegExp | undefined]> = [
    ["an unknown key", () => ({ ...v, definitelyNotAnOption: 1 }), "definitelyNotAnOption"],
    ["an unknown key one megabyte long", () => hugeKey(v), undefined],
    ["10 000 unknown keys", () => manyKeys(v), undefined],
    ["an own __proto__ key", () => Object.assign(JSON.parse('{"__proto__": {"x": 1}}'), v), "__proto__"],
    [`${t.numeric} NaN`, () => ({ ...v, [t.numeric]: NaN }), t.numeric],
    [`${t.numeric} Infinity`, () => ({ ...v, [t.numeric]: Infinity }), t.numeric],
    [`${t.numeric} 2**31`, () => ({ ...v, [t.numeric]: 2 ** 31 }), t.numeric],
    [`${t.numeric} -1`, () => ({ ...v, [t.numeric]: -1 }), t.numeric],
    [`${t.numeric} as a string`, () => ({ ...v, [t.numeric]: "3" }), t.numeric],
    [`${t.numeric} as an array`, () => ({ ...v, [t.numeric]: [3] }), t.numeric],
    [`${t.numeric} BigInt`, () => ({ ...v, [t.numeric]: 3n }), t.numeric],
    [`${t.numeric} a 1 MB string`, () => ({ ...v, [t.numeric]: MB }), t.numeric],
    [`getter on ${t.numeric} throws`, () => throwingGetter(v, t.numeric), t.numeric],
    ["a revoked Proxy as options", () => revokedProxy(), undefined],
    ["an array as options", () => [v], undefined],
  ];
  if (t.text) cases.push([`${t.text} a 1 MB string`, () => ({ ...v, [t.text!]: MB }), t.text]);
  return cases;
}

describe("createCheckpointer: the promised error shape", () => {
  // Was broken (fixed since): createCheckpointer throws a CheckpointerError (code INVALID_OPTIONS) without option/received/allowed/problems, not an InvalidOptionsError
  it("a bad option is an InvalidOptionsError with option, received, allowed, problems [was broken, fixed: CheckpointerError without the fields]", async () => {
    const outcome = await run(() => createCheckpointer({ connectTimeoutMs: NaN } as never));
    const e = outcome.error as Record<string, unknown>;
    expect(e.code).toBe("INVALID_OPTIONS");
    expect(e.name).toBe("InvalidOptionsError");
    expect(e.option).toBe("connectTimeoutMs");
    expect(e.received).toBe("NaN");
    expect(typeof e.allowed).toBe("string");
    expect(Array.isArray(e.problems)).toBe(true);
  });
});

/** What broke, per factory and case (filled from the runs; see the report). */
const BROKEN: Record<string, string> = {
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "createChallenger / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "createChallenger / getter on maxClaims throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "createChallenger / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "guardNodeInPlace / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "guardNodeInPlace / getter on maxAttempts throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "guardNodeInPlace / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "createSupervisorWorkerGraph / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "createSupervisorWorkerGraph / getter on maxRounds throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "createSupervisorWorkerGraph / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "claimsChannel / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "claimsChannel / getter on maxClaims throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "claimsChannel / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "analyzeTopology / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "analyzeTopology / getter on beta throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "analyzeTopology / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "compileWithFirebreak / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "compileWithFirebreak / getter on maxRelayDepth throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "compileWithFirebreak / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "createCheckpointer / getter on connectTimeoutMs throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "createCheckpointer / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "setupTracing / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "setupTracing / getter on flushTimeoutMs throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "setupTracing / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "createCascadeGraph / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "createCascadeGraph / getter on workers throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "createCascadeGraph / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "simulateEpidemic / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "simulateEpidemic / getter on beta throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "simulateEpidemic / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "withProviderFaults / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "withProviderFaults / getter on rate throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "withProviderFaults / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "createScriptedJudge / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "createScriptedJudge / getter on recall throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "createScriptedJudge / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "injectFaults (options) / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "injectFaults (options) / getter on seed throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "injectFaults (options) / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "runCampaign / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "runCampaign / getter on trials throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "runCampaign / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
  // Was broken (fixed since): 10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)
  "measureConsistency / 10 000 unknown keys": "10 000 unknown keys: message bounded but error.problems lists all 10 000 (~1-4 MB)",
  // Was broken (fixed since): a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS
  "measureConsistency / getter on runs throws": "a throwing getter escapes raw (its own Error, 5000-char message echoed), not INVALID_OPTIONS",
  // Was broken (fixed since): a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS
  "measureConsistency / a revoked Proxy as options": "a revoked Proxy escapes as a raw TypeError (Cannot perform IsArray), not INVALID_OPTIONS",
};

for (const t of targets) {
  describe(`${t.name}: hostile options`, () => {
    for (const [label, make, option] of hostile(t)) {
      const broken = BROKEN[`${t.name} / ${label}`];
      it(broken ? `${label} [was broken, fixed: ${broken}]` : label, async () => {
        await expectInvalid(() => t.call(make()), option, { shape: t.name !== "createCheckpointer" });
        for (const m of t.models ?? []) expect(m.callCount).toBe(0);
      });
    }
    if (t.runValid !== false) {
      it("valid options are accepted", async () => {
        const outcome = await run(() => t.call(Object.freeze({ ...t.valid })));
        // A valid options object may still fail for another reason (compileWithFirebreak's
        // topology check on this cascade graph), never with INVALID_OPTIONS.
        if (t.name === "compileWithFirebreak") expect((outcome.error as { code?: string } | undefined)?.code).not.toBe("INVALID_OPTIONS");
        else expect(outcome.error).toBeUndefined();
        const handle = outcome.value as { shutdown?: () => Promise<void> } | undefined;
        if (t.name === "setupTracing") await handle?.shutdown?.();
      });
    }
  });
}
