/** Shared pieces for attacks3: gated effect tools over the loopback ticket endpoint, and the record-vs-world check. */
import { z } from "zod";
import { effectTool } from "langgraph-firebreak";
import type { GuardRecord } from "langgraph-firebreak/nodes";
import { closeTicket, openTicket, type Endpoint } from "../support/world.js";
import { uniqueName } from "../attacks/harness.js";

/** A promise and the function that resolves it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** What a gated ticket tool saw: each run's and each undo's key, by title. */
export interface TicketLog {
  readonly runs: Map<string, string>;
  readonly undos: Map<string, string>;
}

/**
 * A compensated ticket tool that opens the ticket at once, then waits for `hold(title)` before
 * returning (a call left running after the effect is in the world). `failUndo` makes its
 * compensation throw.
 */
export function gatedTicket(endpoint: Endpoint, hold: (title: string) => Promise<void>, opts: { failUndo?: boolean } = {}) {
  const log: TicketLog = { runs: new Map(), undos: new Map() };
  const tool = effectTool({
    name: uniqueName("gticket"), description: "Open a ticket", schema: z.object({ title: z.string() }), mode: "compensate",
    run: async ({ title }, ctx) => {
      log.runs.set(title, ctx.idempotencyKey);
      const opened = await openTicket(endpoint.url, ctx.idempotencyKey, title);
      await hold(title);
      return opened;
    },
    compensate: async ({ title }, _r, ctx) => {
      log.undos.set(title, ctx.idempotencyKey);
      if (opts.failUndo) throw new Error(`ticket service refuses to close ${title}`);
      await closeTicket(endpoint.url, ctx.idempotencyKey);
    },
  });
  return { tool, log };
}

/** Keys the record says are still in the world (compensated mode). */
export function recordedOpen(record: GuardRecord | undefined): string[] {
  return (record?.effects ?? []).filter((e) => e.mode === "compensate" && ["kept", "applied", "compensation-failed"].includes(e.status)).map((e) => e.key).sort();
}

/** Keys of the tickets open in the world among `keys`. */
export function worldOpen(endpoint: Endpoint, keys: Iterable<string>): string[] {
  return [...keys].filter((k) => endpoint.open.has(k)).sort();
}
