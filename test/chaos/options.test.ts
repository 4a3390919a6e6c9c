/**
 * Every chaos API rejects bad options when called — before a graph runs or a model is
 * called — with INVALID_OPTIONS naming the option, quoting the value (bounded) and saying
 * what is allowed. Models and nodes are SCRIPTED and count their calls.
 */
import { AIMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, test } from "vitest";
import {
  createAdoptionAgent,
  createCascadeGraph,
  createChaosRun,
  createRng,
  createScriptedJudge,
  formatCampaignTable,
  injectFaults,
  measureConsistency,
  measureInfection,
  renderCampaignSvg,
  runCampaign,
  runWithChaos,
  simulateEpidemic,
  withProviderFaults,
  type CampaignReport,
} from "../../src/chaos/index.js";
import { claimsChannel } from "../../src/claims/index.js";
import { ScriptedChatModel } from "../../src/testing/index.js";
import { createTopology } from "../../src/topology/index.js";
import { expectRejected, expectRejectedAsync, HUGE, type BadOptionsCase } from "../breaker/support/bad-options.js";

const model = new ScriptedChatModel({ label: "scripted model", script: ["ok"] });
let nodeCalls = 0;
const calls = () => model.callCount + nodeCalls;

const State = Annotation.Root({ ...MessagesAnnotation.spec, claims: claimsChannel() });
const graph = () =>
  new StateGraph(State)
    .addNode("researcher", async () => {
      nodeCalls++;
      return { messages: [new AIMessage({ name: "researcher", content: String((await model.invoke("q")).content) })] };
    })
    .addEdge(START, "researcher")
    .addEdge("researcher", END);
const falsehood = { kind: "falsehood", text: "The capital of Australia is", value: "Sydney" };
const inject = (plan: unknown, options?: unknown) => () => injectFaults(graph(), plan as never, options as never);
const fault = (f: Record<string, unknown>) => inject({ targets: "researcher", fault: f });
const ring = createTopology({ edges: [["a", "b"], ["b", "c"], ["c", "a"]] });
const emptyReport = { rows: [], trials: 0 } as unknown as CampaignReport;

describe("injectFaults rejects a bad plan before any node runs", () => {
  const cases: BadOptionsCase[] = [
    ["plan not an object", inject("falsehood"), "plan", "a fault plan"],
    ["empty plan list", inject([]), "plan", "at least one"],
    ["no fault", inject({ targets: "researcher" }), "plan.fault", 'a fault { kind: "falsehood"'],
    ["unknown fault kind", fault({ kind: "lies" }), "plan.fault.kind", '"falsehood"'],
    ["unknown key in the plan", inject({ targets: "researcher", fault: falsehood, probabilty: 0.5 }), "plan.probabilty", "no such option"],
    ["unknown key in the fault", fault({ ...falsehood, confidance: 0.5 }), "plan.fault.confidance", "no such option"],
    ["probability 1.5", inject({ targets: "researcher", fault: falsehood, probability: 1.5 }), "plan.probability", "a probability from 0 to 1"],
    ["probability NaN", inject({ targets: "researcher", fault: falsehood, probability: NaN }), "plan.probability", "a probability"],
    ["empty targets", inject({ targets: [], fault: falsehood }), "plan.targets", "at least one target"],
    ["a target of the wrong shape", inject({ targets: [{ name: "x" }], fault: falsehood }), "plan.targets[0]", "{ node: name }"],
    ["an unknown role", inject({ targets: { role: "boss" }, fault: falsehood }), "plan.targets.role", '"agent", "verifier"'],
    ["a blank falsehood", fault({ kind: "falsehood", text: "   " }), "plan.fault.text", "non-blank"],
    ["a 1 MB falsehood", fault({ kind: "falsehood", text: HUGE }), "plan.fault.text", "at most 2000 characters"],
    ["a NaN falsehood value", fault({ ...falsehood, value: NaN }), "plan.fault.value", "a finite number"],
    ["falsehood confidence -0.1", fault({ ...falsehood, confidence: -0.1 }), "plan.fault.confidence", "from 0 to 1"],
    ["a contradiction with equal values", fault({ kind: "contradiction", text: "x", values: ["a", "a"] }), "plan.fault.values", "two different answers"],
    ["latency 1e12 ms (Node would fire at once)", fault({ kind: "latency", ms: 1e12 }), "plan.fault.ms", "2147483647"],
    ["latency Infinity", fault({ kind: "latency", ms: Infinity }), "plan.fault.ms", "2147483647"],
    ["latency negative", fault({ kind: "latency", ms: -5 }), "plan.fault.ms", "from 0"],
    ["latency plus jitter above Node's timers", fault({ kind: "latency", ms: 2 ** 31 - 2, jitterMs: 10 }), "plan.fault.jitterMs", "ms + jitterMs"],
    ["an unknown provider error", fault({ kind: "provider-error", error: "418" }), "plan.fault.error", '"429", "500"'],
    ["calls with a negative call number", inject({ targets: "researcher", fault: falsehood, calls: [-1] }), "plan.calls[0]", "an integer from 0"],
    ["calls as a number", inject({ targets: "researcher", fault: falsehood, calls: 3 }), "plan.calls", '"first", "every", or a list'],
    ["seed NaN", inject({ targets: "researcher", fault: falsehood, seed: NaN }), "plan.seed", "an integer from 0 to 4294967295"],
    ["the second entry is bad", inject([{ targets: "researcher", fault: falsehood }, { targets: "researcher", fault: { kind: "empty", x: 1 } }]), "plan[1].fault.x", "no such option"],
    ["unknown option", inject({ targets: "researcher", fault: falsehood }, { topolgy: ring }), "topolgy", "no such option"],
    ["topology not a topology", inject({ targets: "researcher", fault: falsehood }, { topology: {} }), "topology", "a Topology"],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));

  test("a 1 MB text is quoted by its head and length; NaN by name", () => {
    expect(fault({ kind: "falsehood", text: HUGE })).toThrow(/plan\.fault\.text received "x+"… \(1000000 characters\)/);
    expect(inject({ targets: "researcher", fault: falsehood, probability: NaN })).toThrow("plan.probability received NaN;");
  });
});

describe("the other chaos APIs reject bad options before any call", () => {
  const cases: BadOptionsCase[] = [
    ["withProviderFaults rate 2", () => withProviderFaults(model, { rate: 2 }), "rate", "a probability from 0 to 1"],
    ["withProviderFaults rate NaN", () => withProviderFaults(model, { rate: NaN }), "rate", "a probability"],
    ["withProviderFaults unknown error", () => withProviderFaults(model, { error: "404" as never }), "error", '"429"'],
    ["withProviderFaults unknown key", () => withProviderFaults(model, { rates: 1 } as never), "rates", "no such option"],
    ["withProviderFaults not a model", () => withProviderFaults({} as never), "model", "a LangChain chat model"],
    ["measureInfection unknown key", () => measureInfection([], { taint: ["chaos"] } as never), "taint", "no such option"],
    ["measureInfection empty claimsKey", () => measureInfection([], { claimsKey: "" }), "claimsKey", "non-blank"],
    ["measureInfection population as a string", () => measureInfection([], { population: "a,b" as never }), "population", "a list of node names"],
    ["simulateEpidemic beta 1.5", () => simulateEpidemic(ring, { beta: 1.5, delta: 0.5 }), "beta", "a probability from 0 to 1"],
    ["simulateEpidemic delta 0", () => simulateEpidemic(ring, { beta: 0.5, delta: 0 }), "delta", "above 0"],
    ["simulateEpidemic delta missing", () => simulateEpidemic(ring, { beta: 0.5 } as never), "delta", "a probability above 0"],
    ["simulateEpidemic trials 1e12", () => simulateEpidemic(ring, { beta: 0.5, delta: 0.5, trials: 1e12 }), "trials", "an integer from 1 to 1000000"],
    ["simulateEpidemic steps Infinity", () => simulateEpidemic(ring, { beta: 0.5, delta: 0.5, steps: Infinity }), "steps", "an integer"],
    ["simulateEpidemic seed -1", () => simulateEpidemic(ring, { beta: 0.5, delta: 0.5, seed: -1 }), "seed", "from 0"],
    ["simulateEpidemic unknown initial", () => simulateEpidemic(ring, { beta: 0.5, delta: 0.5, initial: "center" as never }), "initial", '"hub", "leaf", "random"'],
    ["simulateEpidemic initial names a missing node", () => simulateEpidemic(ring, { beta: 0.5, delta: 0.5, initial: ["nope"] }), "initial[0]", "a node of the topology (a, b, c)"],
    ["createAdoptionAgent adoption NaN", () => createAdoptionAgent({ name: "a", text: "t", belief: "x", adoption: NaN }), "adoption", "a probability"],
    ["createAdoptionAgent adoptionFrom -1", () => createAdoptionAgent({ name: "a", text: "t", belief: "x", adoption: 0.5, adoptionFrom: { boss: -1 } }), "adoptionFrom.boss", "a probability"],
    ["createAdoptionAgent without a name", () => createAdoptionAgent({ text: "t", belief: "x", adoption: 0.5 } as never), "name", "a non-blank string"],
    ["createAdoptionAgent belief an object", () => createAdoptionAgent({ name: "a", text: "t", belief: {} as never, adoption: 0.5 }), "belief", "a finite number"],
    ["createCascadeGraph workers 0", () => createCascadeGraph({ workers: 0 }), "workers", "an integer from 1 to 1000"],
    ["createCascadeGraph workers 1e9", () => createCascadeGraph({ workers: 1e9 }), "workers", "to 1000"],
    ["createCascadeGraph a reserved worker", () => createCascadeGraph({ workers: ["writer"] }), "workers[0]", "reserved"],
    ["createCascadeGraph rounds 2.5", () => createCascadeGraph({ rounds: 2.5 }), "rounds", "an integer"],
    ["createCascadeGraph adoption Infinity", () => createCascadeGraph({ adoption: Infinity }), "adoption", "a probability"],
    ["createScriptedJudge recall 1.2", () => createScriptedJudge({ recall: 1.2 }), "recall", "a probability from 0 to 1"],
    ["createScriptedJudge unknown key", () => createScriptedJudge({ precision: 1 } as never), "precision", "no such option"],
    ["formatCampaignTable timing as a string", () => formatCampaignTable(emptyReport, { timing: "yes" as never }), "timing", "true or false"],
    ["renderCampaignSvg maxPanels 0", () => renderCampaignSvg(emptyReport, { maxPanels: 0 }), "maxPanels", "an integer from 1 to 200"],
    ["renderCampaignSvg a 1 MB title", () => renderCampaignSvg(emptyReport, { title: HUGE }), "title", "at most 200 characters"],
    ["createChaosRun seed NaN", () => createChaosRun(NaN), "seed", "a finite number"],
    ["createRng seed Infinity", () => createRng(Infinity), "seed", "a finite number or a non-empty string"],
    ["createRng empty seed", () => createRng(""), "seed", "a non-empty string"],
  ];
  test.each(cases)("%s", (...c) => expectRejected(c, calls));
});

describe("async chaos APIs reject bad options before running anything", () => {
  const input = { messages: [] };
  const campaign = (options: Record<string, unknown>) => () => runCampaign(() => graph(), { input, faults: [falsehood], targets: ["researcher"], trials: 1, ...options } as never);
  const compiled = () => graph().compile();
  const cases: BadOptionsCase[] = [
    ["runCampaign no faults", campaign({ faults: [] }), "faults", "at least one fault"],
    ["runCampaign a bad fault", campaign({ faults: [{ kind: "latency", ms: 1e12 }] }), "faults[0].ms", "2147483647"],
    ["runCampaign trials 0", campaign({ trials: 0 }), "trials", "an integer from 1"],
    ["runCampaign trials NaN", campaign({ trials: NaN }), "trials", "an integer"],
    ["runCampaign concurrency 1e9", campaign({ concurrency: 1e9 }), "concurrency", "an integer from 1 to 1000"],
    ["runCampaign empty seeds", campaign({ seeds: [] }), "seeds", "at least one seed"],
    ["runCampaign unknown guard mode", campaign({ guards: ["sometimes"] }), "guards[0]", '"unguarded", "guarded"'],
    ["runCampaign guard mode without guard", campaign({ guards: ["recommended"] }), "guards[0]", "needs `guard`"],
    ["runCampaign fire probability 2", campaign({ fire: { probability: 2 } }), "fire.probability", "a probability"],
    ["runCampaign empty models", campaign({ models: {} }), "models", "at least one model configuration"],
    ["runCampaign unknown key", campaign({ trails: 3 }), "trails", "no such option"],
    ["measureConsistency runs 0", () => measureConsistency(compiled(), input, { runs: 0 }), "runs", "an integer from 1"],
    ["measureConsistency runs 1e12", () => measureConsistency(compiled(), input, { runs: 1e12 }), "runs", "to 1000000"],
    ["measureConsistency unknown key", () => measureConsistency(compiled(), input, { run: 3 } as never), "run", "no such option"],
    ["measureConsistency not a graph", () => measureConsistency({} as never, input), "graph", "a compiled graph"],
    ["runWithChaos seed as a string", () => runWithChaos("seven" as never, () => compiled().invoke(input)), "seed", "a finite number"],
    ["runWithChaos without a function", () => runWithChaos(1, undefined as never), "fn", "a function"],
  ];
  test.each(cases)("%s", async (...c) => expectRejectedAsync(c, calls));

  test("good options still run: one trial, one node call", async () => {
    const report = await runCampaign(() => graph(), { input, faults: [falsehood as never], targets: ["researcher"], trials: 1 });
    expect(report.rows).toHaveLength(1);
    expect(nodeCalls).toBe(1);
  });
});
