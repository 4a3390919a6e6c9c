/**
 * Chaos campaign throughput: a 1,000-trial campaign on a 10-agent scripted supervisor graph
 * (supervisor, 8 workers, writer; scripted adoption agents, no model) must finish in under a
 * minute. Compared with the plain LangGraph baseline: the same graph invoked without any
 * chaos machinery, measured in the same run.
 *
 *   npm run bench -- chaos
 */
import { loadavg } from "node:os";
import { median, percentile, printTable, sample } from "./lib/stats.js";
import { createCascadeGraph, runCampaign, type Fault } from "../src/chaos/index.js";

const TRIALS = 1_000;
const TEXT = "The capital of Australia is";
const falsehood: Fault = { kind: "falsehood", text: TEXT, value: "Sydney" };
const input = { task: "What is the capital of Australia?" };
const graph = () => createCascadeGraph({ workers: 8, adoption: 0.5, correction: 0.1 });

// Baseline: the plain graph, no fault injection, no chaos run, no recorder.
const plain = graph().compile();
const baseline = await sample(() => plain.invoke(input), { runs: 200, warmup: 20 });

// Warm the campaign path once, then measure the full campaign.
await runCampaign(graph, { input, faults: [falsehood], targets: ["hub"], trials: 20 });
const cpu0 = process.cpuUsage();
const report = await runCampaign(graph, { input, faults: [falsehood], targets: ["hub", "leaf"], trials: TRIALS / 2, seed: 1 });
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const perTrial = report.rows.map((r) => r.timing.medianMs);
const trialMedian = median(perTrial);

printTable("1,000-trial campaign, 10 scripted agents (unguarded, hub and leaf seeds, 500 trials each)", [
  {
    what: "plain LangGraph run (baseline)",
    "median ms": median(baseline),
    "p95 ms": percentile(baseline, 95),
    "runs/s": 1000 / median(baseline),
    ratio: 1,
  },
  {
    what: "campaign trial (inject + measure)",
    "median ms": trialMedian,
    "p95 ms": "",
    "runs/s": report.timing.trialsPerSecond,
    ratio: trialMedian / median(baseline),
  },
]);
printTable("Campaign totals", [
  {
    trials: report.rows.reduce((n, r) => n + r.trials, 0),
    "total s": report.timing.totalMs / 1000,
    "trials/s": report.timing.trialsPerSecond,
    "CPU s": cpuSeconds,
    "target (< 60 s)": report.timing.totalMs < 60_000 ? "met" : "missed",
    "load avg (2 cores)": loadavg()[0]!,
    "hub infection": report.rows[0]!.infectionRate,
    "leaf infection": report.rows[1]!.infectionRate,
  },
]);
console.log(
  "\nWall time depends on what else runs on the machine's 2 cores (load average above); CPU seconds do not." +
    "\nA trial costs about as much as the plain run: the graph's own supersteps dominate.",
);
