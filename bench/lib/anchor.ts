/**
 * The anchor for the topology benchmark: SciPy ARPACK `eigs` on each strongly connected
 * component + networkx SCC, run by python3 on the same adjacency (bench/lib/anchor.py). Timed
 * single-threaded: OpenBLAS threads jump 2–4× under load on a shared 2-core machine, so the
 * command runs with OPENBLAS_NUM_THREADS=1 and without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EdgeList } from "./graph-families.js";

const script = fileURLToPath(new URL("./anchor.py", import.meta.url));

/** One anchor measurement: ρ, SCC count and per-run milliseconds. */
export interface AnchorResult {
  readonly rho: number;
  readonly scc: number;
  readonly ms: readonly number[];
}

function anchorEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1" };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Whether python3 with numpy, scipy and networkx is available. */
export function anchorAvailable(): boolean {
  const probe = spawnSync("python3", ["-c", "import numpy, scipy, networkx"], { env: anchorEnv(), encoding: "utf8" });
  return probe.status === 0;
}

/** Runs the anchor `runs` times on `graph`; undefined when python3 fails. */
export function runAnchor(graph: EdgeList, runs: number): AnchorResult | undefined {
  const input = `${JSON.stringify({ n: graph.n, src: graph.src, dst: graph.dst, runs })}\n`;
  const out = spawnSync("python3", [script], { input, env: anchorEnv(), encoding: "utf8", maxBuffer: 1 << 26 });
  if (out.status !== 0) {
    console.error(`anchor failed: ${out.stderr.slice(0, 400)}`);
    return undefined;
  }
  return JSON.parse(out.stdout.trim()) as AnchorResult;
}
