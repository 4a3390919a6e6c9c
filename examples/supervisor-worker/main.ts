/**
 * `npm start`: runs the supervisor–worker example on the embedded defaults (no keys, no
 * network), stops at the human gate before the writer, and prints the command that resumes
 * the same thread from its checkpoint in a new process. The researcher is guarded (BICR):
 * the transcript shows its first, wrong answer held back, the challenger's verdict, the
 * feedback, the retry and the clean commit — the team never sees the wrong answer. The
 * researcher also publishes its answer with an effect tool (a row in the example's database):
 * the blocked attempt's publish is dropped before it runs, the passing attempt's runs once.
 *
 *   npm start                                   start a new thread
 *   npm start -- --thread <id> --approve        resume it: the writer finishes (or approve a guard escalation)
 *   npm start -- --thread <id> --reject         close it without an answer (or reject the escalated output)
 *   npm start -- --task "<question>"            ask something else (real models only make sense here)
 *
 * With `DATABASE_URL` set the checkpoints go to that PostgreSQL (else to the embedded database in
 * `.firebreak/`, or `FIREBREAK_DATA_DIR`); with `OPENAI_API_KEY` set the agents are real
 * `ChatOpenAI` models.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { BaseMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import { createCheckpointer, durableConfig } from "langgraph-firebreak/checkpointers";
import { renderFeedback, type BicrEventPayload, type EscalationPacket, type GuardFeedback } from "langgraph-firebreak/nodes";
import { isFirebreakError } from "langgraph-firebreak";
import { buildExampleGraph } from "./graph.js";
import { EXAMPLE_TASK, exampleModels } from "./models.js";
import { ensureReportsTable, publishTool, REPORTS_TABLE, reportsOf } from "./publish.js";

const { values } = parseArgs({
  options: {
    thread: { type: "string" },
    approve: { type: "boolean", default: false },
    reject: { type: "boolean", default: false },
    task: { type: "string" },
  },
});

async function main(): Promise<number> {
  if ((values.approve || values.reject) && !values.thread) {
    console.error("--approve and --reject need the thread to resume: npm start -- --thread <id> --approve");
    return 2;
  }
  const models = await exampleModels();
  // FIREBREAK_DATA_DIR moves the embedded database (tests use a temporary one).
  const checkpointer = await createCheckpointer(process.env.FIREBREAK_DATA_DIR ? { dataDir: process.env.FIREBREAK_DATA_DIR } : {});
  try {
    // The researcher's "publish" writes to a table of the same database as the checkpoints.
    await ensureReportsTable(checkpointer.pool);
    const publish = publishTool(checkpointer.pool);
    const graph = buildExampleGraph(models, { publish }).compile({ checkpointer: checkpointer.saver, interruptBefore: ["writer"] });
    console.log(`Models: ${models.kind === "scripted" ? "scripted (offline stand-ins for model judgement; set OPENAI_API_KEY for real ones)" : `OpenAI ${process.env.OPENAI_MODEL ?? "gpt-4o-mini"}`}`);
    console.log(`Checkpoints: ${checkpointer.describe()}`);

    if (!values.thread) {
      const threadId = randomUUID();
      const config = durableConfig(threadId);
      const task = values.task ?? EXAMPLE_TASK;
      console.log(`Thread: ${threadId}\n\n[task] ${task}`);
      await run(graph.stream({ task, messages: [] }, { ...config, streamMode: ["updates", "custom"] }), models.kind);
      await printReports(checkpointer.pool, threadId);
      reportPause(await graph.getState(config), threadId);
      return 0;
    }

    const config = durableConfig(values.thread);
    const state = await graph.getState(config);
    if (state.config.configurable?.checkpoint_id === undefined) {
      console.error(`No thread "${values.thread}" in ${checkpointer.describe()}. Start one with \`npm start\` and copy the id it prints (and use the same DATABASE_URL).`);
      return 1;
    }
    const escalation = pendingEscalation(state);
    if (escalation !== undefined && (values.approve || values.reject)) {
      const action = values.approve ? "approve" : "reject";
      console.log(`Resuming thread ${values.thread}: a human says "${action}" to the guard's escalation on ${escalation.producer}.`);
      await run(graph.stream(new Command({ resume: { action, by: "npm start" } }), { ...config, streamMode: ["updates", "custom"] }), models.kind);
      await printReports(checkpointer.pool, values.thread);
      reportPause(await graph.getState(config), values.thread);
      return 0;
    }
    if (!state.next.includes("writer")) {
      console.error(`Thread "${values.thread}" is not waiting at the human gate (next: ${JSON.stringify(state.next)}); nothing to approve.`);
      if (state.values.answer) console.log(`\n[answer] ${state.values.answer}`);
      return 1;
    }
    if (values.reject) {
      await graph.updateState(config, { answer: "(rejected by a human at the gate)" }, "writer");
      console.log(`Thread ${values.thread} closed without an answer.`);
      return 0;
    }
    console.log(`Resuming thread ${values.thread} from checkpoint ${state.config.configurable.checkpoint_id}.`);
    await run(graph.stream(null, { ...config, streamMode: ["updates", "custom"] }), models.kind);
    const final = await graph.getState(config);
    console.log(`\n[answer] ${final.values.answer}`);
    return 0;
  } finally {
    await checkpointer.close();
  }
}

/** Streams a run, printing each node's messages and each guard stage as it happens. */
async function run(stream: Promise<AsyncIterable<unknown>>, kind: "scripted" | "openai"): Promise<void> {
  for await (const chunk of await stream) {
    const [mode, payload] = chunk as [string, unknown];
    if (mode === "updates") printUpdate(payload as Record<string, unknown>);
    else if (mode === "custom") printGuardEvent(payload as { name?: string; data?: BicrEventPayload }, kind);
  }
}

/** One line per guard stage: what was held back, the verdicts, the block, the feedback, the commit. */
function printGuardEvent(event: { name?: string; data?: BicrEventPayload }, kind: "scripted" | "openai"): void {
  if (event.name !== "firebreak/bicr" || event.data === undefined) return;
  const e = event.data as BicrEventPayload & Record<string, any>;
  const tag = `[guard:${e.guard}]`;
  switch (e.stage) {
    case "buffer":
      console.log(`${tag} attempt ${e.attempt}/${e.maxAttempts} held back: ${e.claimIds.length} claim(s), invisible to the team until checked`);
      break;
    case "challenge":
      for (const v of e.verdicts as Array<{ verdict: string; reasons: string[] }>) {
        console.log(`${tag} challenger${kind === "scripted" ? " (scripted judgement, real calculator)" : ""}: ${v.verdict.toUpperCase()} — ${v.reasons.join(" ")}`);
      }
      break;
    case "recover":
      console.log(`${tag} BLOCKED: the update was discarded, shared state is as before; feedback to ${e.guard}:`);
      for (const line of renderFeedback(e.feedback as GuardFeedback).split("\n")) console.log(`    ${line}`);
      break;
    case "escalate":
      if (e.mode === "interrupt" && e.resolution === undefined) break;
      console.log(`${tag} every attempt was blocked: ${e.mode === "interrupt" ? `a human decided "${e.resolution}"` : e.mode}`);
      break;
    case "effect":
      printEffect(tag, e);
      break;
    case "commit":
      console.log(`${tag} committed (${e.outcome})${e.blocked > 0 ? ` after ${e.blocked} blocked attempt(s)` : ""}`);
      break;
    default:
      break;
  }
}

/** One line per effect of the researcher's "publish": deferred, dropped (never ran), executed. */
function printEffect(tag: string, e: Record<string, any>): void {
  if (e.effect === "deferred") console.log(`${tag} ${e.tool} deferred (outbox): runs only if attempt ${e.attempt} passes`);
  else if (e.effect === "dropped") console.log(`${tag} ${e.tool} of attempt ${e.attempt} DROPPED: the attempt was blocked, so it never ran`);
  else if (e.effect === "executed") console.log(`${tag} ${e.tool} of attempt ${e.attempt} executed (idempotency key ${e.key})`);
  else if (e.effect !== "pending") console.log(`${tag} ${e.tool} of attempt ${e.attempt}: ${e.effect}${e.error ? ` (${e.error})` : ""}`);
}

/** What the thread published, read back from the table: the proof that a blocked attempt left nothing. */
async function printReports(pool: Parameters<typeof reportsOf>[0], threadId: string): Promise<void> {
  const rows = await reportsOf(pool, threadId);
  console.log(`\n[db] ${REPORTS_TABLE}: ${rows.length} row(s) for this thread`);
  for (const row of rows) console.log(`    ${row.key}  ${row.report}`);
}

/** The guard escalation the thread is waiting on, if any. */
function pendingEscalation(state: { tasks: ReadonlyArray<{ interrupts: ReadonlyArray<{ value?: unknown }> }> }): EscalationPacket | undefined {
  return state.tasks
    .flatMap((t) => t.interrupts)
    .map((i) => i.value as EscalationPacket | undefined)
    .find((v) => v?.kind === "firebreak/guard-escalation");
}

/** Says where the run stopped and prints the command that resumes it in a new process. */
function reportPause(state: { next: readonly string[]; tasks: ReadonlyArray<{ interrupts: ReadonlyArray<{ value?: unknown }> }>; config: { configurable?: Record<string, unknown> } }, threadId: string): void {
  const escalation = pendingEscalation(state);
  if (escalation !== undefined) {
    console.log(`\nThe guard on ${escalation.producer} blocked ${escalation.attempts.length} attempt(s) and asks a human (checkpoint ${String(state.config.configurable?.["checkpoint_id"])}).`);
    console.log(`Approve its last output anyway, in a new process:\n\n  npm start -- --thread ${threadId} --approve\n`);
    console.log(`Or reject it:\n\n  npm start -- --thread ${threadId} --reject\n`);
  } else if (state.next.includes("writer")) {
    console.log(`\nPaused at the human gate before the writer (checkpoint ${String(state.config.configurable?.["checkpoint_id"])}).`);
    console.log(`Approve and finish, in a new process:\n\n  npm start -- --thread ${threadId} --approve\n`);
    console.log(`Or close it without an answer:\n\n  npm start -- --thread ${threadId} --reject\n`);
  }
}

function printUpdate(update: Record<string, unknown>): void {
  for (const [node, value] of Object.entries(update)) {
    const messages = (value as { messages?: BaseMessage[] } | null)?.messages ?? [];
    for (const message of messages) {
      console.log(`[${node}] ${typeof message.content === "string" ? message.content : JSON.stringify(message.content)}`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(isFirebreakError(error) ? `${error.name} (${error.code}): ${error.message}` : error);
    process.exit(1);
  },
);
