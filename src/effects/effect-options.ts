/** Checks `effectTool`'s options at construction: a misconfigured effect never reaches a run. */
import { InvalidOptionsError, invalidOption } from "../internal/options-schema.js";
import type { EffectToolOptions } from "./effect-types.js";

const WHERE = "effectTool";

/** Throws {@link InvalidOptionsError} naming the first wrong option and what to do. */
export function checkEffectOptions(options: unknown): asserts options is EffectToolOptions {
  if (typeof options !== "object" || options === null) throw invalidOption(WHERE, "options", options, "an object { name, description, schema, run, mode, compensate?, idempotencyKey? }");
  const o = options as Record<string, unknown>;
  if (typeof o["name"] !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(o["name"])) throw invalidOption(WHERE, "name", o["name"], "a tool name of 1-64 letters, digits, _ or -");
  if (typeof o["description"] !== "string" || o["description"].length === 0) throw invalidOption(WHERE, "description", o["description"], "a non-empty string (the model reads it)");
  if (typeof o["schema"] !== "object" || o["schema"] === null) throw invalidOption(WHERE, "schema", o["schema"], "a zod object or a JSON schema for the tool's input");
  if (typeof o["run"] !== "function") throw invalidOption(WHERE, "run", o["run"], "a function (input, ctx) => result that performs the effect");
  if (o["mode"] !== "defer" && o["mode"] !== "compensate") throw invalidOption(WHERE, "mode", o["mode"], '"defer" (outbox: runs after the attempt passes) or "compensate" (saga: runs at once, undone when blocked)');
  if (o["mode"] === "compensate" && typeof o["compensate"] !== "function") {
    throw new InvalidOptionsError(WHERE, [{ option: "compensate", received: String(o["compensate"]), allowed: "a function (input, result, ctx) => void that undoes the effect" }], {
      message:
        `effectTool "${o["name"]}": mode "compensate" needs a compensate(input, result, ctx) function that undoes the effect when the guard blocks the attempt; ` +
        `give one, or use mode "defer" to run the effect only after the attempt passes.`,
    });
  }
  if (o["compensate"] !== undefined && typeof o["compensate"] !== "function") throw invalidOption(WHERE, "compensate", o["compensate"], "a function (input, result, ctx) => void, or nothing");
  if (o["idempotencyKey"] !== undefined && typeof o["idempotencyKey"] !== "function") throw invalidOption(WHERE, "idempotencyKey", o["idempotencyKey"], "a function (parts) => string, or nothing");
}
