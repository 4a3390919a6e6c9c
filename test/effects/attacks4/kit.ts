/**
 * Shared pieces for attacks4 on docs/effects.md: a watcher of process-level failures (unhandled
 * rejections, uncaught exceptions, warnings), an in-memory ticket desk whose compensations can be
 * made to throw, and a poll helper. The judge is the harness's scripted stand-in ("bad" is red).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import { effectTool } from "langgraph-firebreak";
import { readGuardFeedback, type GuardRecord } from "langgraph-firebreak/nodes";
import { uniqueName } from "../attacks/harness.js";

export const attemptOf = (config: RunnableConfig): number => (readGuardFeedback(config)?.attempt ?? 0) + 1;

/** A promise and the function that resolves it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** What the process saw while watching: call `stop()` before asserting. */
export interface Watch {
  readonly rejections: unknown[];
  readonly exceptions: unknown[];
  readonly warnings: Array<Error & { code?: string }>;
  stop(): void;
}

/** Listens for 'unhandledRejection', 'uncaughtException' and 'warning' on the process. */
export function watchProcess(): Watch {
  const w = { rejections: [] as unknown[], exceptions: [] as unknown[], warnings: [] as Array<Error & { code?: string }> };
  const onRejection = (reason: unknown) => void w.rejections.push(reason);
  const onException = (error: unknown) => void w.exceptions.push(error);
  const onWarning = (warning: Error) => void w.warnings.push(warning);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  process.on("warning", onWarning);
  return {
    ...w,
    stop: () => {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
      process.off("warning", onWarning);
    },
  };
}

/** Polls `check` every 20 ms until it is true, or throws after `ms`. */
export async function until(check: () => boolean, ms = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lets pending macrotasks (process warnings are emitted on a later tick) run. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
};

/** An in-memory ticket desk: which keys are open, and every run / undo by title. */
export class Desk {
  readonly open = new Map<string, string>();
  readonly runs: Array<{ title: string; key: string }> = [];
  readonly undos: Array<{ title: string; key: string }> = [];
  keyOf(title: string): string | undefined {
    return this.runs.find((r) => r.title === title)?.key;
  }
}

/**
 * A compensated ticket tool on `desk`: opens the ticket at once, then waits for `hold(title)`
 * before returning (a call left running with its effect already in the world). `failUndo(title)`
 * makes the compensation throw (`throwValue` chooses what is thrown).
 */
export function deskTicket(desk: Desk, hold: (title: string) => Promise<void>, opts: { failUndo?: (t: string) => boolean; throwValue?: (t: string) => unknown } = {}) {
  return effectTool({
    name: uniqueName("dticket"), description: "Open a ticket", schema: z.object({ title: z.string() }), mode: "compensate",
    run: async ({ title }, ctx) => {
      desk.runs.push({ title, key: ctx.idempotencyKey });
      desk.open.set(ctx.idempotencyKey, title);
      await hold(title);
      return { ticket: ctx.idempotencyKey };
    },
    compensate: async ({ title }, _r, ctx) => {
      desk.undos.push({ title, key: ctx.idempotencyKey });
      if (opts.failUndo?.(title)) throw opts.throwValue ? opts.throwValue(title) : new Error(`desk refuses to close ${title}`);
      desk.open.delete(ctx.idempotencyKey);
    },
  });
}

/**
 * A deferred tool whose schema check waits for `hold(text)` (so the call can be left running), and
 * whose run records each execution by text and key.
 */
export function heldPublish(hold: (text: string) => Promise<void>) {
  const runs: Array<{ text: string; key: string }> = [];
  const tool = effectTool({
    name: uniqueName("hpublish"), description: "Publish", mode: "defer",
    schema: z.object({ text: z.string() }).refine(async (v) => { await hold(v.text); return true; }),
    run: async ({ text }: { text: string }, ctx) => { runs.push({ text, key: ctx.idempotencyKey }); return `published ${text}`; },
  });
  return { tool, runs };
}

/** Keys the record says are still in the world (compensated mode). */
export function recordedOpen(records: readonly GuardRecord[] | undefined): string[] {
  return (records ?? []).flatMap((r) => r.effects ?? [])
    .filter((e) => e.mode === "compensate" && ["kept", "applied", "compensation-failed"].includes(e.status)).map((e) => e.key).sort();
}

/** A late call's text: what it resolved to, or "rejected: …" (which would be a break). */
export const textOf = (p: Promise<unknown>): Promise<string> =>
  p.then((v) => (typeof v === "string" ? v : JSON.stringify(v)), (e: unknown) => `rejected: ${e instanceof Error ? e.message : String(e)}`);
