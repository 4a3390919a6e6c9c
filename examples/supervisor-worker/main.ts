/**
 * `npm start`: runs the supervisor–worker example on the embedded defaults (no keys, no
 * network), stops at the human gate before the writer, and prints the command that resumes
 * the same thread from its checkpoint in a new process.
 *
 *   npm start                                   start a new thread
 *   npm start -- --thread <id> --approve        resume it: the writer finishes
 *   npm start -- --thread <id> --reject         close it without an answer
 *   npm start -- --task "<question>"            ask something else (real models only make sense here)
 *
 * With `DATABASE_URL` set the checkpoints go to that PostgreSQL (else to the embedded database in
 * `.firebreak/`, or `FIREBREAK_DATA_DIR`); with `OPENAI_API_KEY` set the agents are real
 * `ChatOpenAI` models.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { BaseMessage } from "@langchain/core/messages";
import { createCheckpointer, durableConfig } from "../../checkpointers/index.js";
import { isFirebreakError } from "../../src/errors.js";
import { buildExampleGraph } from "./graph.js";
import { EXAMPLE_TASK, exampleModels } from "./models.js";

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
    const graph = buildExampleGraph(models).compile({ checkpointer: checkpointer.saver, interruptBefore: ["writer"] });
    console.log(`Models: ${models.kind === "scripted" ? "scripted (offline stand-ins for model judgement; set OPENAI_API_KEY for real ones)" : `OpenAI ${process.env.OPENAI_MODEL ?? "gpt-4o-mini"}`}`);
    console.log(`Checkpoints: ${checkpointer.describe()}`);

    if (!values.thread) {
      const threadId = randomUUID();
      const config = durableConfig(threadId);
      const task = values.task ?? EXAMPLE_TASK;
      console.log(`Thread: ${threadId}\n\n[task] ${task}`);
      for await (const update of await graph.stream({ task, messages: [] }, { ...config, streamMode: "updates" })) {
        printUpdate(update);
      }
      const state = await graph.getState(config);
      if (state.next.includes("writer")) {
        console.log(`\nPaused at the human gate before the writer (checkpoint ${state.config.configurable?.checkpoint_id}).`);
        console.log(`Approve and finish, in a new process:\n\n  npm start -- --thread ${threadId} --approve\n`);
        console.log(`Or close it without an answer:\n\n  npm start -- --thread ${threadId} --reject\n`);
      }
      return 0;
    }

    const config = durableConfig(values.thread);
    const state = await graph.getState(config);
    if (state.config.configurable?.checkpoint_id === undefined) {
      console.error(`No thread "${values.thread}" in ${checkpointer.describe()}. Start one with \`npm start\` and copy the id it prints (and use the same DATABASE_URL).`);
      return 1;
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
    for await (const update of await graph.stream(null, { ...config, streamMode: "updates" })) {
      printUpdate(update);
    }
    const final = await graph.getState(config);
    console.log(`\n[answer] ${final.values.answer}`);
    return 0;
  } finally {
    await checkpointer.close();
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
