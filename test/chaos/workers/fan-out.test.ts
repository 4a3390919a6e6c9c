/**
 * `firebreak chaos --workers`: the same campaign run locally and with its trials fanned out as
 * BullMQ jobs (real Redis at 127.0.0.1:6379, a queue of its own) over two worker processes
 * (`firebreak chaos --serve`) gives the same table and the same report, timing aside — also in a
 * world that draws (the second describe): the scripted agents discount doubtful claims (0.33, so
 * adoption is a coin flip), the scripted judge errs (recall and specificity 0.9, correlated within a
 * trial), the fault fires with p = 0.7 and the "random" mode places its guard by a draw. The local
 * run happens in this process, where the fixtures are a second copy of the package (loaded through
 * tsx): its claims channel must accept the verdicts the command's guard seals.
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
const fixture = join(root, "test", "chaos", "fixtures", "cascade.ts");
const drawing = join(root, "test", "chaos", "fixtures", "drawing-cascade.ts");
const queue = uniquePrefix("chaos").replaceAll(":", "-").replace(/-$/, "");
const dir = mkdtempSync(join(tmpdir(), "firebreak-chaos-workers-"));

interface Member {
  readonly child: ChildProcess;
  stderr(): string;
}
const workers: Member[] = [];

// No claims key from the environment: without one, the package's copies in this process must share
// the process's random key (they once drew one each, and the local run refused the guard's verdicts).
const inheritedKey = process.env.FIREBREAK_CLAIMS_KEY;
delete process.env.FIREBREAK_CLAIMS_KEY;

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

/** The campaign's command line for one graph export of a fixture. */
const campaign = (module: string, graph: string, trials: number, seed: number) => [
  "chaos",
  `${module}:${graph}`,
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
  `${module}:challenger`,
  "--modes",
  "unguarded,guarded,random",
  "--quiet",
];
const CAMPAIGN = campaign(fixture, "graph", 12, 7);

const read = (file: string) => JSON.parse(readFileSync(join(dir, file), "utf8")) as CampaignReport;
/**
 * Everything but wall-clock timing. (The scripted judge's tool-call ids used to grow with its call
 * count over the process's life, so estimated tokens differed by a fraction of a token between a
 * worker and a local run; ids now have one length, and the tokens must match exactly.)
 */
const withoutTiming = (report: CampaignReport) => report.rows.map(({ timing: _, ...row }) => row);

/** Batches the workers ran so far, per worker. */
const batchesRun = () => workers.map((w) => (w.stderr().match(/ran trials/g) ?? []).length);

describe("firebreak chaos --workers", () => {
  it("gives the same table and report as a local run for the same seed, over two worker processes", async () => {
    const local = await cli(...CAMPAIGN, "--json", "local.json");
    expect(local.stderr).toBe("");
    expect(local.code).toBe(0);
    const remote = await cli(...CAMPAIGN, "--workers", SHARED_REDIS_URL, "--queue", queue, "--batch", "2", "--json", "remote.json");
    expect(remote.stderr).toBe("");
    expect(remote.code).toBe(0);

    const [a, b] = [read("local.json"), read("remote.json")];
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    expect(b.params).toEqual(a.params);
    expect(formatCampaignTable(b, { timing: false })).toBe(formatCampaignTable(a, { timing: false }));
    // The table printed is the same too, its token and timing columns aside (compared above).
    const strip = (out: string) => out.split("\n").filter((l) => l.startsWith("|")).map((l) => l.split("|").slice(0, -3).join("|"));
    expect(strip(remote.stdout)).toEqual(strip(local.stdout));
    expect(a.rows.some((r) => r.injected > 0 && r.injected < r.trials)).toBe(true); // p = 0.7: the seed decides per trial

    // Both workers ran batches: 2 targets × 3 modes × 6 batches of 2 trials = 36 in all.
    const batches = batchesRun();
    expect(batches.reduce((x, y) => x + y, 0)).toBe(36);
    for (const n of batches) expect(n).toBeGreaterThan(0);
  }, 300_000);

  it("refuses at once when no worker listens on the queue, and checks its options before importing anything", async () => {
    const none = await cli(...CAMPAIGN, "--workers", SHARED_REDIS_URL, "--queue", `${queue}-empty`);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no trial worker listens on queue ".*-empty"; start one .*firebreak chaos --serve/);
    const url = await cli(...CAMPAIGN, "--workers", "localhost:6379");
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/--workers must be a redis:\/\/ or rediss:\/\/ URL/);
    const lonely = await cli(...CAMPAIGN, "--batch", "3");
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toMatch(/--queue and --batch need --workers/);
  }, 120_000);
});

describe("firebreak chaos --workers, in a world that draws", () => {
  // `graph` once differed on the random row (infection only), `drifting` on the guarded row (calls):
  // the local run's claims channel, a second copy of the package, refused the guard's verdicts.
  it.each([
    { graph: "graph", trials: 12, seed: 7, batches: 36 }, // 2 targets × 3 modes × 6 batches of 2
    { graph: "drifting", trials: 16, seed: 11, batches: 36 }, // 2 targets × 3 modes × 6 batches (3, 3, 3, 3, 3, 1)
  ])("gives the same rows as a local run for the same seed, random guard row included ($graph)", async ({ graph, trials, seed, batches }) => {
    const argv = campaign(drawing, graph, trials, seed);
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
