/**
 * Shared test helper: run a TypeScript fixture in a child Node process (`node --import tsx`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** A running child and a promise of its exit. */
export interface RunningChild {
  readonly child: ChildProcess;
  /** Resolves when the child exits, with its code, signal and output so far. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Everything written to stdout so far. */
  stdout(): string;
}

/** Starts `node --import tsx <script>` with extra environment variables. */
export function runTsChild(script: string, env: Record<string, string | undefined>): RunningChild {
  const merged: Record<string, string | undefined> = { ...process.env, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]; // undefined: unset in the child
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: merged,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return { child, exited, stdout: () => out };
}

/**
 * Polls (every 50 ms, real time: the condition lives in another process) until `path`
 * contains a line matching `pattern`, or fails after `timeoutMs` with the file's content.
 */
export async function waitForLine(path: string, pattern: RegExp, timeoutMs: number, child?: RunningChild): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void child?.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline) {
    if (existsSync(path) && readFileSync(path, "utf8").split("\n").some((l) => pattern.test(l))) return;
    if (exitedEarly) {
      const r = await child!.exited;
      throw new Error(`child exited (code ${r.code}) before ${pattern} appeared in ${path}:\n${r.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in ${path}`);
}
