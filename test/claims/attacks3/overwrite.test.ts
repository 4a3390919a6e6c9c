// LangGraph's `Overwrite` bypasses a channel's reducer. Does it bypass the claims channel's checks?
import { describe, it } from "vitest";
import { Command, Overwrite } from "@langchain/langgraph";
import { Harness, STYLES, add, rejection, write } from "./support/harness.js";
import { batch, claim, doubted, notGreen, stillRed } from "./support/attack-kit.js";

describe.each(STYLES)("Overwrite and Command bypasses (%s)", (style) => {
  // sneaky: never wrapped; researcher: wrapped in withWriteContract in Annotation style.
  for (const node of ["sneaky", "researcher"]) {
    it(`${node}: Overwrite with the claims restamped green turns a red claim green`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1")));
      await h.run("challenger", write(batch(["c1"], "red")));
      const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
      await rejection(() => h.run(node, () => ({ claims: new Overwrite(forged) })));
      notGreen(await h.claims(), "c1");
    });

    it(`${node}: Overwrite with a snapshot taken while the claim was green lifts a red verdict`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1")));
      await h.run("challenger", write(batch(["c1"], "green")));
      const green = structuredClone(await h.claims());
      await h.run("challenger", write(batch(["c1"], "red")));
      await rejection(() => h.run(node, () => ({ claims: new Overwrite(green) })));
      stillRed(await h.claims(), "c1");
    });

    it(`${node}: Overwrite with [] erases a red claim and its record`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1")));
      await h.run("challenger", write(batch(["c1"], "red")));
      await rejection(() => h.run(node, () => ({ claims: new Overwrite([]) })));
      stillRed(await h.claims(), "c1");
    });

    it(`${node}: Overwrite unflags a descendant of a red claim (doubt stops)`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
      await h.run("challenger", write(batch(["c1"], "red")));
      const forged = (await h.claims()).map((c: any) => (c.id === "c2" ? { ...c, requiresVerification: false, confidence: 0.9 } : c));
      await rejection(() => h.run(node, () => ({ claims: new Overwrite(forged) })));
      doubted(await h.claims(), "c2", 0);
    });

    it(`${node}: Command({ update: Overwrite }) from a non-verifier turns a red claim green`, async () => {
      const h = new Harness(style);
      await h.run("researcher", add(claim("c1")));
      await h.run("challenger", write(batch(["c1"], "red")));
      const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
      await rejection(() => h.run(node, () => new Command({ update: { claims: new Overwrite(forged) } })));
      notGreen(await h.claims(), "c1");
    });
  }

  it("Command({ update: verdict batch }) from a non-verifier is rejected", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    await rejection(() => h.run("sneaky", () => new Command({ update: { claims: batch(["c1"], "green") } })));
    notGreen(await h.claims(), "c1");
  });

  it("a non-verifier's Overwrite in the same superstep as the verifier's red verdict does not win", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("c1")));
    const snap = structuredClone(await h.claims());
    await rejection(() =>
      h.run(["challenger", "sneaky"], [write(batch(["c1"], "red")), () => ({ claims: new Overwrite(snap.map((c: any) => ({ ...c, status: "green" }))) })]),
    );
    notGreen(await h.claims(), "c1");
  });
});
