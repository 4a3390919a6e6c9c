/**
 * Chaos engineering for agent topologies (`langgraph-firebreak/chaos`): inject faults into
 * chosen nodes, measure how far a planted falsehood spreads through the claims lineage, run
 * seeded campaigns comparing unguarded and guarded graphs, and simulate the adoption
 * dynamics of arXiv:2603.04474 against the epidemic threshold. Not re-exported from the root.
 */
export { createRng, deriveSeed, type Rng } from "./rng.js";
export {
  chaosRng,
  createChaosRun,
  currentChaosRun,
  runWithChaos,
  type ArmedProviderFault,
  type ChaosRun,
  type FaultEvent,
} from "./chaos-run.js";
export {
  DEFAULT_TAINT,
  faultLabel,
  targetLabel,
  type ContradictionFault,
  type EmptyFault,
  type FalsehoodFault,
  type Fault,
  type FaultPlan,
  type FaultTarget,
  type LatencyFault,
  type MalformedFault,
  type ProviderErrorFault,
  type ProviderErrorKind,
} from "./fault-plan.js";
export {
  cloneBuilder,
  injectFaults,
  injectedFaults,
  type AnyStateGraph,
  type InjectedFault,
  type InjectFaultsOptions,
} from "./inject-faults.js";
export { pickHubOrLeaf, type TargetResolution } from "./targets.js";
export { ChaosError, isChaosError } from "./chaos-error.js";
export {
  ProviderFaultChatModel,
  ProviderFaultError,
  providerError,
  withProviderFaults,
  type ProviderFaultsOptions,
} from "./provider-faults.js";
export { measureInfection, type InfectionReport, type MeasureInfectionOptions } from "./infection.js";
export { createCampaign, runCampaign, type Campaign, type CampaignTrialEvent } from "./campaign.js";
export type {
  CampaignContext,
  CampaignOptions,
  CampaignReport,
  CampaignRow,
  CampaignTiming,
  GraphFactory,
  GuardApplier,
  GuardMode,
} from "./campaign-types.js";
export { simulateEpidemic, type EpidemicOptions, type EpidemicResult, type EpidemicSeed } from "./epidemic.js";
export { createAdoptionAgent, adoptionStep, type AdoptionAgentOptions, type AdoptionStep } from "./adoption-agent.js";
export { createCascadeGraph, CascadeState, type CascadeGraphOptions } from "./cascade-graph.js";
export { createScriptedJudge, factsEvidence, type Facts, type ScriptedJudgeOptions } from "./scripted-judge.js";
export { SCRIPTED_WORLD, type ScriptedWorld } from "./scripted-world.js";
export { agentCost, bookAgentCall } from "./world-cost.js";
export {
  measureConsistency,
  type AnswerCount,
  type ConsistencyOptions,
  type ConsistencyReport,
} from "./consistency.js";
export { formatCampaignTable, type FormatCampaignOptions } from "./format-campaign.js";
export { renderCampaignSvg, type RenderSvgOptions } from "./render-svg.js";
