/**
 * A supervisor–worker graph for cascade experiments: a supervisor (the hub) calls each worker
 * in turn, every worker reports back, and a writer gives the final answer. By default every
 * agent is a **scripted** adoption agent (see `createAdoptionAgent`) that reads only the
 * claims of the nodes it consumes (workers and writer read the supervisor; the supervisor
 * reads the workers), so information flows along the graph's edges and the graph reproduces
 * the shape of arXiv:2603.04474's LangGraph experiment without a model; `agent` swaps in
 * model-backed agents. Its topology is a bidirectional star (ρ = √k for k workers) plus the
 * writer.
 */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { guardRecordsChannel } from "../../nodes/index.js";
import { claimsChannel, type ClaimValue } from "../claims/index.js";
import { firebreakRole } from "../topology/index.js";
import { createAdoptionAgent } from "./adoption-agent.js";
import { parseOptions } from "../internal/options-schema.js";
import { CascadeGraphOptionsSchema } from "./chaos-options.js";

/** State of the cascade graph. */
export const CascadeState = Annotation.Root({
  /** The original task (what a challenger judges against). */
  task: Annotation<string>(),
  /** The claims channel. */
  claims: claimsChannel(),
  /**
   * Guard records, one per guarded handoff: what lets a guard remember, across handoffs of the
   * thread, what it judged red (its red ledger). Empty when nothing is guarded.
   */
  guardRecords: guardRecordsChannel(),
  /** The worker the supervisor chose last, or `"writer"`. */
  next: Annotation<string>(),
  /** How many routing decisions the supervisor has made. */
  turn: Annotation<number>({ reducer: (_prev, value) => value, default: () => 0 }),
});

/** Options of {@link createCascadeGraph}. */
export interface CascadeGraphOptions {
  /** Worker names, or how many workers (named `worker1`…). @default 4 */
  workers?: number | readonly string[];
  /** β: the adoption probability of every agent (see `createAdoptionAgent`). @default 0.5 */
  adoption?: number;
  /** δ: the self-correction probability of every agent. @default 0.1 */
  correction?: number;
  /** How many times the supervisor calls each worker. @default 1 */
  rounds?: number;
  /** The statement every agent answers. @default "The capital of Australia is" */
  text?: string;
  /** The answer every agent's own evidence supports. @default "Canberra" */
  truth?: ClaimValue;
  /**
   * β for claims coming from the supervisor: how readily workers and the writer defer to the
   * hub (agents tend to trust their orchestrator). @default `adoption`
   */
  hubAdoption?: number;
  /**
   * Factor on β for claims that show doubt (high risk or pending verification), for every
   * agent (see `createAdoptionAgent`). @default 0.33 (`SCRIPTED_WORLD.discount`)
   */
  discount?: number;
  /** Tokens one agent call costs (booked on the chaos run). @default 500 (`SCRIPTED_WORLD.agentTokens`) */
  agentTokens?: number;
  /**
   * Builds the node of one agent, replacing the scripted adoption agent (e.g. a model-backed
   * agent). It gets the agent's name and the nodes whose claims it should read; it returns an
   * update with its claims. @default a scripted adoption agent
   */
  agent?: (name: string, reads: readonly string[]) => (state: typeof CascadeState.State) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/**
 * Builds the cascade graph (uncompiled). Input: `{ task }`. The supervisor routes to
 * `workers[turn % k]` until every worker was called `rounds` times, then to the writer.
 *
 * @example
 * ```ts
 * const builder = createCascadeGraph({ workers: 8, adoption: 0.5 });
 * const report = await runCampaign(() => builder, { trials: 200, input: { task: "Capital of Australia?" }, ... });
 * ```
 */
export function createCascadeGraph(options: CascadeGraphOptions = {}) {
  options = parseOptions(CascadeGraphOptionsSchema, options, "createCascadeGraph") as CascadeGraphOptions;
  const workers =
    typeof options.workers === "number" || options.workers === undefined
      ? Array.from({ length: options.workers ?? 4 }, (_, i) => `worker${i + 1}`)
      : [...options.workers];
  const rounds = options.rounds ?? 1;
  // Each agent reads only the producers it consumes (its in-neighbours): workers and the
  // writer read the supervisor, the supervisor reads the workers.
  const adoption = options.adoption ?? 0.5;
  const hubAdoption = options.hubAdoption ?? adoption;
  const agent =
    options.agent ??
    ((name: string, reads: readonly string[]) =>
      createAdoptionAgent({
        name,
        reads,
        text: options.text ?? "The capital of Australia is",
        belief: options.truth ?? "Canberra",
        adoption,
        ...(hubAdoption !== adoption ? { adoptionFrom: { supervisor: hubAdoption } } : {}),
        correction: options.correction ?? 0.1,
        ...(options.discount !== undefined ? { discount: options.discount } : {}),
        ...(options.agentTokens !== undefined ? { tokens: options.agentTokens } : {}),
      }));
  const supervisorAgent = agent("supervisor", workers);
  const supervisor = async (state: typeof CascadeState.State) => {
    const update = await supervisorAgent(state as typeof CascadeState.State);
    const turn = state.turn;
    return { ...update, next: turn < workers.length * rounds ? workers[turn % workers.length]! : "writer", turn: turn + 1 };
  };

  const builder = new StateGraph(CascadeState) as unknown as StateGraph<
    typeof CascadeState.spec,
    typeof CascadeState.State,
    typeof CascadeState.Update,
    string
  >;
  builder.addNode("supervisor", supervisor, { metadata: { ...firebreakRole("agent", { hub: true }) } });
  for (const w of workers) {
    builder.addNode(w, agent(w, ["supervisor"]), { metadata: { ...firebreakRole("agent") } });
    builder.addEdge(w, "supervisor");
  }
  builder.addNode("writer", agent("writer", ["supervisor"]), { metadata: { ...firebreakRole("agent") } });
  builder.addEdge(START, "supervisor");
  builder.addConditionalEdges("supervisor", (state: typeof CascadeState.State) => state.next, [...workers, "writer"]);
  builder.addEdge("writer", END);
  return builder;
}
