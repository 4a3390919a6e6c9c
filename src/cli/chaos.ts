/**
 * `firebreak chaos <module>:<export>`: runs a fault-injection campaign against a graph and
 * prints the table; writes the report as JSON (`--json <file>`) and the topology picture with
 * infected nodes coloured per configuration (`--svg <file>`, `--png <file>`).
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatCampaignTable, renderCampaignSvg, runCampaign, type CampaignOptions, type CampaignReport } from "../chaos/index.js";
import type { CliIo } from "./audit.js";
import { prepareCampaign, type ChaosValues } from "./chaos-plan.js";
import { isServe, runOnWorkers, serveTrials } from "./chaos-workers.js";

export const CHAOS_HELP = `Usage: firebreak chaos <module>[:<export>] [options]

Injects faults into a LangGraph graph and measures how far they spread through the claims
lineage (arXiv:2603.04474): infection rate, full-infection probability, final-answer
infection, defence success and safe completion, unguarded vs guarded side by side.
<export> is a StateGraph, a compiled graph, or a function returning one (called again for
every configuration, so each gets a fresh graph). Infection is measured on the graph's
claims channel ("claims"); with --marker also on its messages.

Faults (repeatable, one configuration each; default: falsehood):
  --fault falsehood[:<text>=<value>]     a tainted false claim (default: a neutral probe claim)
  --fault contradiction:<text>=<a>|<b>   two tainted claims with different answers
  --fault malformed | garbage | empty    off-schema output, noise, an empty update
  --fault latency:<ms>                   a slow node
  --fault provider:<429|500|502|503|timeout>[:node]
                                         provider errors from models wrapped with
                                         withProviderFaults (":node": the node throws)
Targets (repeatable; default: hub and leaf):
  --target hub | leaf | role:<role> | <node>

Campaign:
  --trials <n>            trials per configuration (default 50)
  --seed <n>              base seed; the same seed gives the same numbers (default 1)
  --calls first|every     which calls of the target misbehave (default every)
  --probability <p>       chance that an eligible call misbehaves (default 1)
  --input <json>          the graph input (default {})
  --marker <text>         also count a node infected when its messages contain <text>
  --recursion-limit <n>   LangGraph recursion limit per run

Guards:
  --guard <module>[:<export>]   a function (builder, node) => builder, a challenger
                                (createChallenger) or a chat model; enables guarded modes
  --modes <list>          comma-separated: unguarded, guarded, recommended, random
                          (default: unguarded,guarded,recommended with --guard)
  --max-attempts <n>      guard attempts when --guard is a challenger or model (default 2)
  --on-exhausted <mode>   degrade | fail (default degrade)
  --beta <p>, --delta <p> transmission and correction rates for the recommendation

Output:
  --json <file>           write the report as JSON
  --svg <file>            write the topology picture, infected nodes coloured
  --png <file>            also convert it to PNG with rsvg-convert (when installed)
  --quiet                 no progress on stderr

Loading:
  --load-timeout <ms>     time allowed to import each module (default 30000)

Workers (optional peer bullmq; the table is the same as a local run's for the same seed):
  --workers <redis-url>   run the trials as BullMQ jobs on trial workers, started on each
                          machine (same checkout) with: firebreak chaos --serve <redis-url>
  --queue <name>          the BullMQ queue (default firebreak-chaos; the same on both sides)
  --batch <n>             trials per job (default 10)

Bounds (checked before anything runs): --trials ≤ 10000, trials × faults × targets × modes
≤ 200000 runs, and the recorded trials must fit in a quarter of the heap.

Exit codes: 0 done, 2 usage or load error (one message naming module, export and cause).
`;

export { MAX_RUNS, MAX_TRIALS } from "./chaos-plan.js";

/** Runs the chaos command; returns the exit code. */
export async function chaos(argv: readonly string[], io: CliIo): Promise<number> {
  if (isServe(argv)) return serveTrials(argv, io);
  const prepared = await prepareCampaign(argv, io, CHAOS_HELP);
  if (prepared === undefined) return 0;
  const { values, factory, options, label } = prepared;
  const run = { ...options, onProgress: progress(values, io) };
  const report = values.workers !== undefined ? await runOnWorkers(factory, run, argv, values, io) : await runCampaign(factory, run);
  io.stdout(`${formatCampaignTable(report, { label: `firebreak chaos ${label}` })}\n`);
  writeOutputs(report, values, io, label);
  return 0;
}

function progress(values: ChaosValues, io: CliIo): CampaignOptions["onProgress"] {
  if (values.quiet) return undefined;
  let lastShown = -1;
  return (done, total) => {
    const step = Math.floor((done / total) * 10);
    if (step !== lastShown) {
      lastShown = step;
      io.stderr(`firebreak chaos: ${done}/${total} trials\n`);
    }
  };
}

function writeOutputs(report: CampaignReport, values: ChaosValues, io: CliIo, label: string): void {
  if (values.json !== undefined) {
    writeFileSync(resolve(io.cwd, values.json), `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(`report: ${values.json}\n`);
  }
  if (values.svg === undefined && values.png === undefined) return;
  const svg = renderCampaignSvg(report, { title: `firebreak chaos ${label}` });
  const svgPath = resolve(io.cwd, values.svg ?? `${values.png!.replace(/\.png$/i, "")}.svg`);
  writeFileSync(svgPath, svg);
  io.stdout(`picture: ${values.svg ?? svgPath}\n`);
  if (values.png === undefined) return;
  const converted = spawnSync("rsvg-convert", [svgPath, "-o", resolve(io.cwd, values.png)], { encoding: "utf8" });
  if (converted.error !== undefined || converted.status !== 0) {
    io.stderr(`firebreak chaos: could not write ${values.png}: rsvg-convert ${converted.error ? "is not installed" : `failed: ${converted.stderr}`}; the SVG is at ${svgPath}.\n`);
  } else io.stdout(`picture: ${values.png}\n`);
}

