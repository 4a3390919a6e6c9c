/**
 * `firebreak chaos --workers <redis-url>` fans a campaign's trials out as BullMQ jobs; each
 * machine runs `firebreak chaos --serve <redis-url>` (or `createTrialWorker` from
 * `langgraph-firebreak/workers` in its own process). A worker rebuilds the campaign from the
 * command line the job carries (same module paths, same options), so a trial's seed, graph and
 * guard are the ones a local run would use: the table is the same for the same seed.
 */
import { parseArgs } from "node:util";
import { createDispatchedCampaign, createTrialRunner } from "../chaos/campaign.js";
import type { AnyStateGraph, CampaignOptions, CampaignReport } from "../chaos/index.js";
import type { CliIo } from "./audit.js";
import { prepareCampaign, queueOf, redisUrl, type ChaosValues } from "./chaos-plan.js";
import { parseWhole } from "./numbers.js";
import { optionProblem } from "./parse-command.js";
import { UsageError } from "./usage-error.js";

/** What a trial job carries to rebuild its campaign: the chaos command line and where it ran. */
interface CampaignSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
}

const SERVE_HELP = `Usage: firebreak chaos --serve <redis-url> [--queue <name>] [--concurrency <n>] [--quiet]

Runs trials of campaigns started elsewhere with "firebreak chaos <module> --workers <redis-url>",
until SIGINT or SIGTERM. Modules are imported from the paths the campaign gave, relative to its
working directory: run workers on the same checkout (restart them after changing the graph).
  --queue <name>       BullMQ queue (default firebreak-chaos)
  --concurrency <n>    batches run at once (default 1)
`;

const SERVE_OPTIONS = {
  serve: { type: "string" },
  queue: { type: "string" },
  concurrency: { type: "string" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** True when the chaos command line asks for worker mode. */
export function isServe(argv: readonly string[]): boolean {
  return argv.some((a) => a === "--serve" || a.startsWith("--serve="));
}

/** `firebreak chaos --serve <redis-url>`: takes trial jobs until SIGINT/SIGTERM; returns the exit code. */
export async function serveTrials(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: SERVE_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${optionProblem(error)} --serve takes no graph; only --queue, --concurrency and --quiet.`);
  }
  if (values.help) return (io.stdout(SERVE_HELP), 0);
  const url = redisUrl("--serve", values.serve!);
  const queueName = queueOf(values.queue);
  const concurrency = values.concurrency !== undefined ? parseWhole("--concurrency", values.concurrency, 1, 256) : 1;
  const { createTrialWorker } = await importWorkers("--serve");
  const worker = createTrialWorker({
    connection: url,
    queueName,
    concurrency,
    load: (spec) => loadCampaign(spec, io),
    ...(values.quiet ? {} : { onBatch: (job) => io.stderr(`firebreak chaos --serve: ran trials ${job.trials[0]}–${job.trials.at(-1)} of configuration ${Object.values(job.key).join(".")}\n`) }),
  });
  await worker.waitUntilReady();
  io.stdout(`firebreak chaos --serve: taking trials from queue "${queueName}" (SIGINT or SIGTERM stops)\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await worker.close();
  return 0;
}

/** Runs the campaign with its trials on the workers of `--workers`; rows aggregated in trial order. */
export async function runOnWorkers(
  factory: () => Promise<AnyStateGraph>,
  options: CampaignOptions,
  argv: readonly string[],
  values: ChaosValues,
  io: CliIo,
): Promise<CampaignReport> {
  const { createTrialDispatch } = await importWorkers("--workers");
  const spec: CampaignSpec = { argv: [...argv], cwd: io.cwd };
  const dispatcher = await createTrialDispatch({
    connection: values.workers!,
    spec,
    queueName: queueOf(values.queue),
    ...(values.batch !== undefined ? { batchSize: Number(values.batch) } : {}),
  }).catch((error: Error) => {
    throw new UsageError(`--workers ${values.workers}: ${error.message}`);
  });
  try {
    return await createDispatchedCampaign(factory, options, dispatcher.dispatch).run();
  } finally {
    await dispatcher.close();
  }
}

async function loadCampaign(spec: unknown, io: CliIo) {
  const s = spec as Partial<CampaignSpec> | null;
  if (!Array.isArray(s?.argv) || typeof s.cwd !== "string") throw new UsageError("a trial job without a campaign spec ({ argv, cwd }); was it enqueued by firebreak chaos --workers?");
  const prepared = await prepareCampaign(s.argv, { stdout: () => {}, stderr: io.stderr, cwd: s.cwd }, "");
  if (prepared === undefined) throw new UsageError("a trial job's command line asks for --help, not a campaign.");
  return createTrialRunner(prepared.factory, prepared.options);
}

async function importWorkers(flag: string): Promise<typeof import("../workers/index.js")> {
  try {
    return await import("../workers/index.js");
  } catch (error) {
    throw new UsageError(`${flag} needs the optional peer dependency bullmq (${(error as Error).message.split("\n")[0]}). Run: npm install bullmq`);
  }
}
