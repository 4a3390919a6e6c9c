import { Annotation, StateGraph, StateSchema, type OverwriteValue } from "@langchain/langgraph";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod/v4";
import {
  claimsChannel,
  claimsField,
  claimVerdicts,
  intentChannel,
  intentField,
  withWriteContract,
  type Claim,
  type ClaimsUpdate,
  type Intent,
  type IntentUpdate,
} from "../../src/index.js";

describe("claims channel types", () => {
  it("types state and updates in Annotation.Root", () => {
    const State = Annotation.Root({ intent: intentChannel(), claims: claimsChannel() });
    expectTypeOf<typeof State.State["claims"]>().toEqualTypeOf<Claim[]>();
    expectTypeOf<typeof State.State["intent"]>().toEqualTypeOf<Intent | null>();
    expectTypeOf<ClaimsUpdate>().toMatchTypeOf<typeof State.Update["claims"]>();
    expectTypeOf<OverwriteValue<Claim[]>>().toMatchTypeOf<typeof State.Update["claims"]>();
    expectTypeOf<IntentUpdate>().toMatchTypeOf<typeof State.Update["intent"]>();
  });

  it("types state and updates in a StateSchema", () => {
    const State = new StateSchema({ intent: intentChannel(), claims: claimsChannel() });
    expectTypeOf<typeof State.State["claims"]>().toEqualTypeOf<Claim[]>();
    expectTypeOf<typeof State.State["intent"]>().toEqualTypeOf<Intent | null>();
    expectTypeOf<ClaimsUpdate>().toMatchTypeOf<typeof State.Update["claims"]>();
  });

  it("types node state and updates in a zod state object", () => {
    const State = z.object({ intent: intentField(), claims: claimsField() });
    new StateGraph(State).addNode("n", (state) => {
      expectTypeOf(state.claims).toEqualTypeOf<Claim[]>();
      expectTypeOf(state.intent).toEqualTypeOf<Intent | null>();
      return { claims: claimVerdicts("n", [{ id: "x", status: "green", reason: "ok" }]) };
    });
  });

  it("keeps a wrapped node's state and update types", () => {
    const State = Annotation.Root({ claims: claimsChannel() });
    const node = (state: typeof State.State) => ({ claims: state.claims });
    const wrapped = withWriteContract(node, { allowed: ["claims"] });
    expectTypeOf(wrapped).parameter(0).toEqualTypeOf<typeof State.State>();
    expectTypeOf(wrapped).returns.resolves.toEqualTypeOf<{ claims: Claim[] }>();
    new StateGraph(State).addNode("n", wrapped);
  });
});
