/**
 * Internal: claims loaded from a checkpoint are frozen in every state style.
 *
 * In `Annotation.Root` the claims channel is our own `BinaryOperatorAggregate` subclass, which
 * freezes what it loads. In `StateSchema` and zod state LangGraph builds a plain
 * `BinaryOperatorAggregate` around our reducer, and its `fromCheckpoint` hands nodes the
 * deserialised array as it is: a node could edit a loaded claim in place (turn a red claim
 * green) and return `{}`, and the next checkpoint would save the edit, never judged.
 *
 * LangGraph offers no hook between loading a channel and reading it, so this wraps
 * `BinaryOperatorAggregate.prototype.fromCheckpoint` once, and acts only on channels whose
 * reducer is a claims reducer (registered here by identity): every other channel is untouched
 * (same value, same object). Installed when a claims field is created, not on import.
 */
import { BinaryOperatorAggregate } from "@langchain/langgraph";
import { freezeStored } from "./frozen.js";
import type { Claim } from "./claim-schema.js";

/** Reducers of claims fields: channels built around one of these freeze what they load. */
const claimsReducers = new WeakSet<object>();

const INSTALLED = Symbol.for("langgraph-firebreak.claims.load-freeze");

type Aggregate = BinaryOperatorAggregate<unknown, unknown> & { operator: unknown; value: unknown };

/** Registers `reducer` as a claims reducer and makes sure loaded claims channels freeze their value. */
export function freezeOnLoad<R extends object>(reducer: R): R {
  claimsReducers.add(reducer);
  install();
  return reducer;
}

function install(): void {
  const proto = BinaryOperatorAggregate.prototype as unknown as Record<PropertyKey, unknown> & {
    fromCheckpoint(this: Aggregate, checkpoint?: unknown): Aggregate;
  };
  if (proto[INSTALLED] === true) return;
  const original = proto.fromCheckpoint;
  const patched = function fromCheckpoint(this: Aggregate, checkpoint?: unknown): Aggregate {
    const channel = original.call(this, checkpoint);
    if (claimsReducers.has(channel.operator as object) && Array.isArray(channel.value)) freezeStored(channel.value as Claim[]);
    return channel;
  };
  Object.defineProperty(proto, "fromCheckpoint", { value: patched, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, INSTALLED, { value: true });
}
