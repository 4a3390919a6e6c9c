// Laundering the claims the in-place and Overwrite routes produce into another graph as input.
import { describe, it } from "vitest";
import { Overwrite } from "@langchain/langgraph";
import { Harness, STYLES, add, rejection, write } from "./support/harness.js";
import { batch, claim, notGreen } from "./support/attack-kit.js";

describe.each(STYLES)("handing forged claims on (%s)", (style) => {
  it("claims made green by an in-place edit arrive not green in another graph", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() => h.run("sneaky", (s: any) => (s.claims.forEach((c: any) => Object.assign(c, { status: "green", requiresVerification: false })), {})));
    const forged = JSON.parse(JSON.stringify(await h.claims()));
    const other = new Harness(style);
    await rejection(() => other.run("mallory", () => ({}), "t2", { claims: forged }));
    const cs = await other.claims("t2");
    if (cs.length) notGreen(cs, "c1");
  });

  it("claims made green by an Overwrite (never judged) arrive not green in another graph", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    await rejection(() => h.run("sneaky", () => ({ claims: new Overwrite(forged) })));
    const out = JSON.parse(JSON.stringify(await h.claims()));
    const other = new Harness(style);
    await rejection(() => other.run("mallory", () => ({}), "t2", { claims: out }));
    const cs = await other.claims("t2");
    if (cs.length) notGreen(cs, "c1");
  });
});
