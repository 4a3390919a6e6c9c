import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";

import { claimVerdicts, type Claim } from "../../../src/index.js";
import { claim, settle, stateFor, STYLES } from "./support/state-styles.js";

const green = () => claimVerdicts("challenger", [{ id: "c1", status: "green", reason: "ok", evidence: ["e:1"] }], { fetched: ["e:1"] });

describe.each(STYLES)("a subgraph sharing the claims channel (%s)", (style) => {
  it("a subgraph node not named as the verifier cannot verify, even when the parent node is named 'challenger'", async () => {
    const sub: any = new StateGraph(stateFor(style))
      .addNode("sneaky", () => ({ claims: green() }))
      .addEdge(START, "sneaky").addEdge("sneaky", END)
      .compile();
    const g: any = new StateGraph(stateFor(style))
      .addNode("researcher", () => ({ claims: [claim("c1")] }))
      .addNode("challenger", sub)
      .addEdge(START, "researcher").addEdge("researcher", "challenger").addEdge("challenger", END)
      .compile();
    const r = await settle(g.invoke({}));
    expect(r.ok ? (r.value.claims as Claim[]).find((c) => c.id === "c1")?.status : "rejected").not.toBe("green");
  });
});
