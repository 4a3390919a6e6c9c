/** An effect's input and result as the guard keeps them in its checkpoint: plain JSON. */
import { interopParseAsync, isInteropZodSchema } from "@langchain/core/utils/types";

/** A value as JSON (`undefined` is `null`; what cannot be serialized is kept as its text). */
export function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return { unserializable: String(value) };
  }
}

/**
 * The input `run` will get when the outbox runs a deferred effect: the recorded JSON, parsed by
 * the tool's (zod) schema again. A deferred call is refused at call time (nothing is recorded)
 * when its input does not survive that trip — a `BigInt`, a cycle, a `z.date()` that JSON turns
 * into a string — so `run` never receives a placeholder or a value its schema does not promise.
 * Parsed asynchronously (a schema may refine asynchronously). Resolves to the JSON the call is
 * recorded with.
 */
export async function replayableInput(tool: string, schema: unknown, input: unknown): Promise<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(JSON.stringify(input ?? null)) as unknown;
  } catch (error) {
    throw new Error(`effectTool "${tool}": a deferred call's input must be JSON to wait in the checkpoint (${(error as Error).message}); nothing was scheduled.`);
  }
  await parseRecorded(tool, schema, json);
  return json;
}

/** The recorded JSON input parsed by the tool's schema (as is for a JSON-schema tool). */
export async function parseRecorded(tool: string, schema: unknown, json: unknown): Promise<unknown> {
  if (!isInteropZodSchema(schema)) return json;
  try {
    return await interopParseAsync(schema, json);
  } catch (error) {
    throw new Error(
      `effectTool "${tool}": a deferred call's input, kept as JSON in the checkpoint, no longer fits the tool's schema ` +
        `(e.g. z.date() becomes a string: use z.coerce.date() or a string); nothing was scheduled. ${String((error as Error).message).slice(0, 300)}`,
    );
  }
}
