/** Effect tools over the test world: a deferred "publish" row, a compensated ticket, and counters of what ran. */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { effectTool } from "../../../src/effects/index.js";
import type { EffectContext } from "../../../src/effects/index.js";
import { closeTicket, openTicket, type Table } from "./world.js";

/** Unique tool names per test (the registry is per process, keyed by name). */
export function unique(name: string): string {
  return `${name}_${randomUUID().slice(0, 8)}`;
}

/** A deferred effect: one row per idempotency key in `table`. Calls are logged in `calls`. */
export function publishTool(table: Table, calls: EffectContext[] = [], name = unique("publish")) {
  return effectTool({
    name,
    description: "Publish the report (writes a row).",
    schema: z.object({ text: z.string() }),
    mode: "defer",
    run: async ({ text }: { text: string }, ctx) => {
      calls.push(ctx);
      await table.insert(ctx.idempotencyKey, text);
      return { published: ctx.idempotencyKey };
    },
  });
}

/** A compensated effect: opens a ticket on the endpoint at once; compensation closes it. */
export function ticketTool(url: string, options: { compensateFails?: () => boolean; name?: string } = {}) {
  return effectTool({
    name: options.name ?? unique("ticket"),
    description: "Open a ticket.",
    schema: z.object({ title: z.string() }),
    mode: "compensate",
    run: ({ title }: { title: string }, ctx) => openTicket(url, ctx.idempotencyKey, title),
    compensate: async (_input, _result, ctx) => {
      if (options.compensateFails?.()) throw new Error("the ticket service refused to close the ticket");
      await closeTicket(url, ctx.idempotencyKey);
    },
  });
}
