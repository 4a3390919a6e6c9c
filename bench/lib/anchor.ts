/**
 * The anchor for the topology benchmark: SciPy ARPACK `eigs` on each strongly connected
 * component + networkx SCC, run by python3 on the same adjacency (bench/lib/anchor.py). Timed
 * single-threaded: OpenBLAS threads jump 2–4× under load on a shared 2-core machine, so the
 * command runs with OPENBLAS_NUM_THREADS=1 and without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE.
 * One python process serves every request, so runs can alternate with ours run by run.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
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

/** A running anchor process: `run(graph, runs)` answers with the measurements. */
export interface Anchor {
  run(graph: EdgeList, runs: number): Promise<AnchorResult>;
  close(): void;
}

/** Starts python3 once; requests are answered in order, one JSON line each. */
export function startAnchor(): Anchor {
  const child: ChildProcessWithoutNullStreams = spawn("python3", [script], { env: anchorEnv() });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stderr.on("data", (chunk: Buffer) => process.stderr.write(`anchor: ${chunk.toString()}`));
  return {
    async run(graph, runs) {
      child.stdin.write(`${JSON.stringify({ n: graph.n, src: graph.src, dst: graph.dst, runs })}\n`);
      const next = await lines.next();
      if (next.done) throw new Error("the anchor process ended");
      return JSON.parse(next.value) as AnchorResult;
    },
    close() {
      child.stdin.end();
    },
  };
}
