/**
 * Internal: the seams that let a campaign's trials run elsewhere (BullMQ workers, through
 * `firebreak chaos --workers`). A trial is named by its configuration's indices and its
 * number; its seed follows from the campaign's options, so any process that builds the same
 * campaign runs it to the same outcome.
 */

/** What one trial amounted to (plain JSON; `ms` is the only wall-clock field). @internal */
export interface TrialOutcome {
  injected: boolean;
  rate: number;
  full: boolean;
  finalInfected: boolean;
  blocked: boolean;
  defended: boolean;
  safe: boolean;
  error?: string;
  tokens: number;
  /** Model calls plus scripted agent calls (absent in outcomes from an older worker). */
  calls?: number;
  estimated: boolean;
  ms: number;
  infected: readonly string[];
  seedInfected: boolean;
}

/** A configuration by position: indices into the campaign's models, faults, targets and guard modes. @internal */
export interface ConfigurationKey {
  readonly model: number;
  readonly fault: number;
  readonly target: number;
  readonly guard: number;
}

/** A trial's outcome and the nodes its fault was planted on. @internal */
export interface TrialResult {
  readonly outcome: TrialOutcome;
  readonly targetNodes: readonly string[];
}

/** Runs single trials of one campaign (the same in the campaign's process and in a worker). @internal */
export interface TrialRunner {
  /** How many trials each configuration has. */
  readonly trials: number;
  /** Runs trial `trial` (0-based) of configuration `key`. */
  run(key: ConfigurationKey, trial: number): Promise<TrialResult>;
}

/**
 * Runs every trial of one configuration somewhere else and reports each result as it lands
 * (any order); resolves when all have been reported. @internal
 */
export type TrialDispatch = (key: ConfigurationKey, trials: number, report: (trial: number, result: TrialResult) => void) => Promise<void>;
