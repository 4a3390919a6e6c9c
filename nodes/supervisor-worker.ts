import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, SystemMessage, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  Annotation,
  END,
  MessagesAnnotation,
  START,
  StateGraph,
  type LangGraphRunnableConfig,
  type RetryPolicy,
} from "@langchain/langgraph";
import { z } from "zod";
import { claimsChannel } from "../src/claims/index.js";
import { InvalidOutputError } from "../src/internal/invalid-output-error.js";
import { fn, integer, parseOptions, retryPolicy, strict, text } from "../src/internal/options-schema.js";
import { guardRecordsChannel } from "./bicr/guard-record.js";

/**
 * State of the supervisor–worker template: the conversation, the original task (written
 * once, by the caller), the supervisor's routing decision, the round counter, the answer,
 * the claims channel (claims with provenance and verdicts) and the records of guarded
 * handoffs (see `guardNodeInPlace`).
 */
export const SupervisorWorkerState = Annotation.Root({
  ...MessagesAnnotation.spec,
  /** The original task: the intent every agent serves. */
  task: Annotation<string>(),
  /** The worker (or `"writer"`) the supervisor chose last. */
  next: Annotation<string>(),
  /** How many routing decisions the supervisor has made. */
  round: Annotation<number>({ reducer: (_prev, value) => value, default: () => 0 }),
  /** The writer's final answer. */
  answer: Annotation<string>(),
  /** Claims with their origin, confidence, lineage and verdicts (the claims channel). */
  claims: claimsChannel(),
  /** One record per guarded handoff: attempts, verdicts, blocks (filled by guards). */
  guardRecords: guardRecordsChannel(),
});

/** The state type of {@link SupervisorWorkerState}. */
export type SupervisorWorkerStateType = typeof SupervisorWorkerState.State;
/** The update type of {@link SupervisorWorkerState}. */
export type SupervisorWorkerUpdate = typeof SupervisorWorkerState.Update;

/** A node function over the template's state. */
export type SupervisorWorkerNode = (
  state: SupervisorWorkerStateType,
  config: LangGraphRunnableConfig,
) => Promise<SupervisorWorkerUpdate> | SupervisorWorkerUpdate;

/** A worker: a chat model with a role, or a node of your own (a function or a compiled agent). */
export interface WorkerSpec {
  /** One sentence the supervisor reads to decide when to call this worker. */
  description: string;
  /** The model that answers as this worker. Give either `model` or `node`. */
  model?: BaseChatModel;
  /** The worker's system prompt. @default "You are the <name>. <description>" */
  systemPrompt?: string;
  /**
   * A node of your own instead of a model: a function, or a runnable such as a compiled
   * `createReactAgent` graph (its `messages` are merged into the template's).
   */
  node?: SupervisorWorkerNode | { invoke: (input: any, config?: RunnableConfig) => Promise<any> };
}

/** Decides which worker runs next, or `"writer"` to finish. */
export type SupervisorRouter = (
  state: SupervisorWorkerStateType,
  config: LangGraphRunnableConfig,
) => string | Promise<string>;

/** Options of {@link createSupervisorWorkerGraph}. */
export interface SupervisorWorkerOptions {
  /**
   * Routes the work: a chat model (asked for `{ next, reason }` through
   * `withStructuredOutput`) or a function of the state.
   */
  supervisor: BaseChatModel | SupervisorRouter;
  /** The workers by node name. Names must not be `supervisor` or `writer`. */
  workers: Record<string, WorkerSpec>;
  /** Writes the final answer from the transcript: a chat model or a node function. */
  writer: BaseChatModel | SupervisorWorkerNode;
  /**
   * Routing decisions after which the supervisor must hand over to the writer, so a confused
   * supervisor cannot loop until the recursion limit (MAST FM-1.5, unaware of termination).
   * @default 6
   */
  maxRounds?: number;
  /** Extra instructions for the supervisor's system prompt. @default "" */
  supervisorInstructions?: string;
  /** The writer's system prompt. @default a prompt asking for a concise final answer */
  writerPrompt?: string;
  /**
   * LangGraph retry policy for every node of the team (model calls fail transiently).
   * @default undefined (no retries)
   */
  retryPolicy?: RetryPolicy;
}

const RESERVED = new Set(["supervisor", "writer", START, END]);

/** Most workers in one team. */
export const MAX_WORKERS = 64;
/** Longest prompt or instructions, in characters. */
const MAX_PROMPT = 20_000;

const prompt = () =>
  z.string({ error: `a string of at most ${MAX_PROMPT} characters` }).max(MAX_PROMPT, { error: `a string of at most ${MAX_PROMPT} characters` });
const runnable = (v: unknown) => typeof v === "object" && v !== null && typeof (v as { invoke?: unknown }).invoke === "function";
const ChatModelSchema = z.custom<BaseChatModel>(isChatModel, { error: "a LangChain chat model (e.g. new ChatOpenAI(...))" });
const NodeSchema = z.custom<NonNullable<WorkerSpec["node"]>>((v) => typeof v === "function" || runnable(v), {
  error: "a node function (state, config) => update, or a runnable with invoke() (e.g. a compiled agent)",
});

/** One worker: a description and exactly one of `model` or `node`. */
export const WorkerSpecSchema = strict({
  description: text(2_000),
  model: ChatModelSchema.optional(),
  systemPrompt: prompt().optional(),
  node: NodeSchema.optional(),
}).refine((spec) => (spec.model === undefined) !== (spec.node === undefined), {
  error: "a worker with exactly one of `model` or `node` (this one has both or neither)",
});

/** Every option of `createSupervisorWorkerGraph`. */
export const SupervisorWorkerOptionsSchema = strict({
  supervisor: z.union([ChatModelSchema, fn<SupervisorRouter>("a router function")], {
    error: "a chat model (asked for { next, reason }) or a router function (state, config) => worker name",
  }),
  workers: z
    .record(
      z
        .string()
        .regex(/^(?=.*\S)[^|:]{1,64}$/, { error: 'a non-blank worker name of at most 64 characters, without "|" or ":" (LangGraph reserves them)' })
        .refine((name) => !RESERVED.has(name), { error: 'a worker name other than "supervisor", "writer", "__start__", "__end__" (reserved; rename the worker)' }),
      WorkerSpecSchema,
      { error: "an object: worker name → { description, model } or { description, node }" },
    )
    .refine((workers) => Object.keys(workers).length >= 1, { error: "at least one worker, e.g. { researcher: { description, model } }" })
    .refine((workers) => Object.keys(workers).length <= MAX_WORKERS, { error: `at most ${MAX_WORKERS} workers` }),
  writer: z.union([ChatModelSchema, fn<SupervisorWorkerNode>("a node function")], {
    error: "a chat model or a node function (state, config) => update",
  }),
  maxRounds: integer(1, 1_000).optional(),
  supervisorInstructions: prompt().optional(),
  writerPrompt: prompt().optional(),
  retryPolicy: retryPolicy().optional(),
});

/**
 * Builds a supervisor–worker graph: the supervisor routes to a worker, the worker reports
 * back, and the writer finishes. Returns the **uncompiled** `StateGraph`, so you choose the
 * checkpointer and the human gate when you compile.
 *
 * Every node carries `{ firebreak: { role } }` metadata for the topology analysis. Note the
 * shape: supervisor ⇄ worker edges form cycles, so for k workers ρ(A) = √k (see DOMAIN.md).
 *
 * @example
 * const graph = createSupervisorWorkerGraph({
 *   supervisor: routerModel,
 *   workers: { researcher: { description: "Finds facts.", model: researchModel } },
 *   writer: writerModel,
 * }).compile({ checkpointer, interruptBefore: ["writer"] });
 */
export function createSupervisorWorkerGraph(options: SupervisorWorkerOptions) {
  options = parseOptions(SupervisorWorkerOptionsSchema, options, "createSupervisorWorkerGraph") as SupervisorWorkerOptions;
  const names = Object.keys(options.workers);
  const maxRounds = options.maxRounds ?? 6;
  const targets = [...names, "writer"];

  const route = makeRouter(options.supervisor, options.workers, targets, options.supervisorInstructions ?? "");
  const supervisor = async (state: SupervisorWorkerStateType, config: LangGraphRunnableConfig): Promise<SupervisorWorkerUpdate> => {
    if (state.round >= maxRounds) {
      return {
        next: "writer",
        round: state.round + 1,
        messages: [new AIMessage({ name: "supervisor", content: `Round limit (${maxRounds}) reached: handing over to the writer.` })],
      };
    }
    const { next, reason } = await route(state, config);
    if (!targets.includes(next)) {
      throw new InvalidOutputError(
        { source: "supervisor", expected: `one of ${targets.join(", ")}`, received: JSON.stringify(next) },
        `Supervisor chose "${next}", which is not a worker of this graph; expected one of ${targets.join(", ")}. Check the supervisor's prompt or router.`,
      );
    }
    return {
      next,
      round: state.round + 1,
      messages: [new AIMessage({ name: "supervisor", content: `→ ${next}${reason ? `: ${reason}` : ""}` })],
    };
  };

  // Node names are only known at run time, so the builder is typed with `string` names.
  const builder = new StateGraph(SupervisorWorkerState) as unknown as StateGraph<
    typeof SupervisorWorkerState.spec,
    SupervisorWorkerStateType,
    SupervisorWorkerUpdate,
    string
  >;
  const retry = options.retryPolicy === undefined ? {} : { retryPolicy: options.retryPolicy };
  builder.addNode("supervisor", supervisor, { metadata: { firebreak: { role: "agent", hub: true } }, ...retry });
  for (const name of names) {
    builder.addNode(name, makeWorker(name, options.workers[name]!) as never, { metadata: { firebreak: { role: "agent" } }, ...retry });
    builder.addEdge(name, "supervisor");
  }
  builder.addNode("writer", makeWriter(options.writer, options.writerPrompt), { metadata: { firebreak: { role: "agent" } }, ...retry });
  builder.addEdge(START, "supervisor");
  builder.addConditionalEdges("supervisor", (state: SupervisorWorkerStateType) => state.next, targets);
  builder.addEdge("writer", END);
  return builder;
}

function isChatModel(value: unknown): value is BaseChatModel {
  return typeof value === "object" && value !== null && typeof (value as BaseChatModel).invoke === "function" && "_llmType" in value;
}

function makeRouter(
  supervisor: BaseChatModel | SupervisorRouter,
  workers: Record<string, WorkerSpec>,
  targets: string[],
  instructions: string,
): (state: SupervisorWorkerStateType, config: LangGraphRunnableConfig) => Promise<{ next: string; reason?: string }> {
  if (!isChatModel(supervisor)) {
    const fn = supervisor as SupervisorRouter;
    return async (state, config) => ({ next: await fn(state, config) });
  }
  const schema = z.object({
    next: z.enum(targets as [string, ...string[]]).describe("The worker to run next, or writer to finish."),
    reason: z.string().describe("One sentence: why."),
  });
  const structured = supervisor.withStructuredOutput(schema, { name: "route" });
  const roster = Object.entries(workers)
    .map(([name, spec]) => `- ${name}: ${spec.description}`)
    .join("\n");
  const system =
    `You are the supervisor of a team. Choose who acts next.\nWorkers:\n${roster}\n` +
    `- writer: writes the final answer once the workers have done enough.\n${instructions}`.trim();
  return async (state, config) =>
    structured.invoke([new SystemMessage(system), new HumanMessage(`Task: ${state.task}`), ...transcript(state.messages)], config);
}

function makeWorker(name: string, spec: WorkerSpec) {
  if (spec.node !== undefined) {
    const node = spec.node;
    return typeof node === "function" ? node : (state: SupervisorWorkerStateType, config: LangGraphRunnableConfig) => node.invoke(state, config);
  }
  const model = spec.model!;
  const system = spec.systemPrompt ?? `You are the ${name}. ${spec.description}`;
  return async (state: SupervisorWorkerStateType, config: LangGraphRunnableConfig): Promise<SupervisorWorkerUpdate> => {
    const reply = await model.invoke([new SystemMessage(system), new HumanMessage(`Task: ${state.task}`), ...transcript(state.messages)], config);
    return { messages: [new AIMessage({ name, content: textOf(reply.content) })] };
  };
}

function makeWriter(writer: BaseChatModel | SupervisorWorkerNode, prompt: string | undefined): SupervisorWorkerNode {
  if (!isChatModel(writer)) return writer as SupervisorWorkerNode;
  const system = prompt ?? "You are the writer. Using only the team's findings above, write a concise final answer to the task.";
  return async (state, config) => {
    const reply = await writer.invoke([new SystemMessage(system), new HumanMessage(`Task: ${state.task}`), ...transcript(state.messages)], config);
    const answer = textOf(reply.content);
    return { answer, messages: [new AIMessage({ name: "writer", content: answer })] };
  };
}

/** The team's messages as the next model sees them: other agents' words arrive as named human turns. */
function transcript(messages: BaseMessage[]): BaseMessage[] {
  return messages
    .filter((m) => m.getType() === "ai" || m.getType() === "human")
    .map((m) => (m.getType() === "ai" ? new HumanMessage({ content: `[${m.name ?? "agent"}] ${textOf(m.content)}` }) : m));
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === "string" ? part : typeof part?.text === "string" ? part.text : "")).join("");
  }
  return String(content ?? "");
}
