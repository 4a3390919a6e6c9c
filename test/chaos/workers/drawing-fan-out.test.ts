/**
 * `firebreak chaos --workers` with a world that draws: the scripted agents discount doubtful
 * claims (0.33, so adoption is a coin flip), the scripted judge errs (recall and specificity 0.9,
 * correlated within a trial), the fault fires with p = 0.7 and the "random" mode places its
 * guard by a draw. The same campaign run locally and with its trials fanned out over two worker
 * processes (real Redis at 127.0.0.1:6379, a queue of its own) gives the same rows, timing aside.
 * The local run happens in this process, where the fixture is a second copy of the package (loaded
 * through tsx): its claims channel must accept the verdicts the command's guard seals.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCampaignTable, type CampaignReport } from "../../../src/chaos/index.js";
import { runCli } from "../../../src/cli/run.js";
import { SHARED_REDIS_URL, deleteUnder, inspector, uniquePrefix } from "../../breaker/support/redis.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bin = join(root, "bin", "firebreak.js");
const fixture = join(root, "test", "chaos", "fixtures", "drawing-cascade.ts");
const queue = uniquePrefix("chaos-draw").replaceAll(":", "-").replace(/-$/, "");
const dir = mkdtempSync(join(tmpdir(), "firebreak-chaos-drawing-"));

interface Member {
  readonly child: ChildProcess;
  stderr(): string;
}
const workers: Member[] = [];

/** Starts `firebreak chaos --serve` and waits until it takes trials. */
function startWorker(): Promise<Member> {
  const child = spawn(process.execPath, [bin, "chaos", "--serve", SHARED_REDIS_URL, "--queue", queue], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after 150 s:\n${err}`)), 150_000);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${err}`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("taking trials")) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
  });
}

// The run under test must not inherit a claims key: without one, each copy of the package in a
// process draws its own (the local run here loads the fixture as a second copy, through tsx).
const inheritedKey = process.env.FIREBREAK_CLAIMS_KEY;
delete process.env.FIREBREAK_CLAIMS_KEY;

beforeAll(async () => {
  // One at a time: two children loading the pack through tsx at once on a loaded machine are slow.
  for (let i = 0; i < 2; i++) workers.push(await startWorker());
}, 320_000);

afterAll(async () => {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null) return resolve();
          w.child.once("exit", () => resolve());
          w.child.kill("SIGTERM");
        }),
    ),
  );
  const redis = inspector();
  await deleteUnder(redis, `bull:${queue}:`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
  if (inheritedKey === undefined) delete process.env.FIREBREAK_CLAIMS_KEY;
  else process.env.FIREBREAK_CLAIMS_KEY = inheritedKey;
}, 60_000);

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

/** The campaign's command line for one graph export of the fixture. */
const campaign = (graph: string, trials: number, seed: number) => [
  "chaos",
  `${fixture}:${graph}`,
  "--fault",
  "falsehood:The capital of Australia is=Sydney",
  "--target",
  "hub",
  "--target",
  "leaf",
  "--trials",
  String(trials),
  "--seed",
  String(seed),
  "--probability",
  "0.7",
  "--guard",
  `${fixture}:challenger`,
  "--modes",
  "unguarded,guarded,random",
  "--quiet",
];

const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as CampaignReport;
const withoutTiming = (report: CampaignReport) => report.rows.map(({ timing: _, ...row }) => row);

/** Batches the workers ran so far, per worker. */
const batchesRun = () => workers.map((w) => (w.stderr().match(/ran trials/g) ?? []).length);

describe("firebreak chaos --workers, in a world that draws", () => {
  // `graph` once differed on the random row (infection only), `drifting` on the guarded row (calls):
  // the local run's claims channel, a second copy of the package, refused the guard's verdicts.
  it.each([
    { graph: "graph", trials: 12, seed: 7, batches: 36 }, // 2 targets × 3 modes × 6 batches of 2
    { graph: "drifting", trials: 16, seed: 11, batches: 36 }, // 2 targets × 3 modes × 6 batches (3, 3, 3, 3, 3, 1)
  ])("gives the same rows as a local run for the same seed, random guard row included ($graph)", async ({ graph, trials, seed, batches }) => {
    const argv = campaign(graph, trials, seed);
    const before = batchesRun();
    const local = await cli(...argv, "--json", `${graph}-local.json`);
    expect(local.stderr).toBe("");
    expect(local.code).toBe(0);
    const remote = await cli(...argv, "--workers", SHARED_REDIS_URL, "--queue", queue, "--batch", String(Math.ceil(trials / 6)), "--json", `${graph}-remote.json`);
    expect(remote.stderr).toBe("");
    expect(remote.code).toBe(0);

    const [a, b] = [read(`${graph}-local.json`), read(`${graph}-remote.json`)];
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    expect(b.params).toEqual(a.params);
    expect(formatCampaignTable(b, { timing: false })).toBe(formatCampaignTable(a, { timing: false }));

    // The world drew: some guarded or random trials were not defended, and infection on the
    // random row is neither none nor total.
    const random = a.rows.filter((r) => r.guard === "random");
    expect(random.some((r) => r.infectionRate > 0 && r.infectionRate < 1)).toBe(true);
    expect(a.rows.some((r) => r.guard !== "unguarded" && r.injected > 0 && r.defenceSuccess < 1)).toBe(true);

    // Both workers ran batches of this campaign.
    const ran = batchesRun().map((n, i) => n - before[i]!);
    expect(ran.reduce((x, y) => x + y, 0)).toBe(batches);
    for (const n of ran) expect(n).toBeGreaterThan(0);
  }, 300_000);
});
