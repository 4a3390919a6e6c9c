/**
 * Topology analysis: spectral radius and cascade threshold (arXiv:2603.04474), relay depth
 * (arXiv:2603.26993), guard placement, risk tier, and compile-time validation.
 */
export {
  FIREBREAK_ROLES,
  firebreakRole,
  isFirebreakRole,
  readFirebreakInfo,
  type FirebreakGuardInfo,
  type FirebreakNodeInfo,
  type FirebreakNodeMetadata,
  type FirebreakRole,
} from "./roles.js";
export {
  createTopology,
  isTopology,
  type ControlStatus,
  type CreateTopologyInput,
  type DetectedControls,
  type AnalysisLevel,
  type EdgeKind,
  type RoleSource,
  type Topology,
  type TopologyEdge,
  type TopologyEdgeInput,
  type TopologyNode,
  type TopologyNodeInput,
} from "./topology.js";
export { formatPath, type FindingSeverity, type TopologyFinding, type TopologyFindingCode } from "./findings.js";
export { extractTopology, isExtractableGraph, type ExtractTopologyOptions } from "./extract.js";
export {
  analyzeTopology,
  assertTopology,
  DEFAULT_BETA,
  DEFAULT_DELTA,
  DEFAULT_GUARD_RESIDUAL,
  type AnalyzeTopologyOptions,
  type CascadeVerdict,
  type ComponentReport,
  type SeedReport,
  type TopologyReport,
} from "./analyze.js";
export { findCycles, type CycleReport, type FindCyclesOptions } from "./cycles.js";
export {
  analyzeRelayDepth,
  DEFAULT_MAX_RELAY_DEPTH,
  type RelayDepthOptions,
  type RelayReport,
} from "./relay.js";
export type { GuardRecommendation, GuardReport } from "./guards.js";
export type { SupervisorWorkerPattern } from "./patterns.js";
export type { ControlCheck, Tier, TierControl, TierFacts, TierReport } from "./tier.js";
export { compileWithFirebreak, type CompileWithFirebreakOptions } from "./compile.js";
export { TopologyError, isTopologyError } from "./topology-error.js";
export { formatTopologyReport } from "./report.js";
export { topologyToMermaid, type MermaidOptions } from "./mermaid.js";
