/**
 * Spawns breaker fleet members (test/breaker/fixtures/fleet-member.ts) as child processes with
 * an IPC channel, and sends them commands. A member may take START_LIMIT_MS to load (ChatOpenAI
 * and the pack through tsx): on the shared 2-core machine under load one took more than 30 s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** How long one member may take to load and connect. */
const START_LIMIT_MS = 150_000;
const MEMBER = fileURLToPath(new URL("../fixtures/fleet-member.ts", import.meta.url));

/** One child process of the fleet. */
export interface FleetMember {
  readonly child: ChildProcess;
  /** Sends a command and waits for its reply. */
  send<T extends Record<string, unknown>>(op: "call" | "state" | "close"): Promise<T>;
  stderr(): string;
}

/** Starts `n` members with `env` and waits until each one's store is connected. */
export async function startFleet(n: number, env: Record<string, string>): Promise<FleetMember[]> {
  return Promise.all(Array.from({ length: n }, () => startMember(env)));
}

async function startMember(env: Record<string, string>): Promise<FleetMember> {
  const child = spawn(process.execPath, ["--import", "tsx", MEMBER], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const pending = new Map<number, (body: Record<string, unknown>) => void>();
  let next = 1;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    pending.set(0, resolve);
    child.once("exit", (code) => reject(new Error(`fleet member exited (${code}) before it was ready:\n${err}`)));
  });
  child.on("message", (raw) => {
    const body = raw as { id: number } & Record<string, unknown>;
    pending.get(body.id)?.(body);
    pending.delete(body.id);
  });
  const started = await Promise.race([
    ready,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`fleet member not ready after ${START_LIMIT_MS / 1000} s:\n${err}`)), START_LIMIT_MS)),
  ]);
  if (started.ready !== true) throw new Error(`fleet member could not reach Redis: ${JSON.stringify(started.storeEvents)}\n${err}`);
  return {
    child,
    stderr: () => err,
    send<T>(op: "call" | "state" | "close") {
      const id = next++;
      return new Promise<T>((resolve) => {
        pending.set(id, resolve as (body: Record<string, unknown>) => void);
        child.send({ op, id });
      });
    },
  };
}
