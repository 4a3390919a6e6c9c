// The Overwrite and in-place mutation routes on real PostgreSQL: what the forger wrote is what a fresh
// saver reads back, and a fork from before the red verdict can be overwritten too.
import { Overwrite } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { usePostgresSavers } from "../../support/postgres-savers.js";
import { Harness, STYLES, add, rejection, write, type Style } from "./support/harness.js";
import { batch, claim, doubted, notGreen, stillRed } from "./support/attack-kit.js";

const savers = usePostgresSavers("fb_atk3");
async function saver(style: Style, schema?: string) {
  const { saver: s, schema: opened } = await savers.open(schema ?? `fb_atk3_${style}_${process.pid}_${Math.random().toString(36).slice(2, 9)}`);
  return { s, schema: opened };
}

/** The thread's claims as a fresh graph on a fresh saver reads them. */
async function reread(style: Style, schema: string) {
  const { s } = await saver(style, schema);
  return new Harness(style, undefined, s).claims();
}

describe.each(STYLES)("PostgreSQL (%s)", (style) => {
  it("a producer's Overwrite is not saved green", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const forged = (await h.claims()).map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    await rejection(() => h.run("researcher", () => ({ claims: new Overwrite(forged) })));
    notGreen(await reread(style, schema), "c1");
  });

  // Held on PostgreSQL when the node writes nothing to the channel (no new channel version is saved).
  it("in-place edits of the state are not saved (node returns {})", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() =>
      h.run("researcher", (st: any) => {
        for (const c of st.claims) Object.assign(c, { status: "green", requiresVerification: false, confidence: 0.99 });
        return {};
      }),
    );
    const cs = await reread(style, schema);
    notGreen(cs, "c1");
    doubted(cs, "c2", 0);
  });

  // Held here: the fork's head read back c1 red (not green).
  it("a fork from before the red verdict cannot be overwritten green", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "red")));
    const history: any[] = [];
    for await (const snap of h.graph.getStateHistory(h.cfg())) history.push(snap);
    const old = history.find((x) => (x.values.claims ?? []).some((c: any) => c.id === "c1" && c.status !== "red"));
    const forged = old.values.claims.map((c: any) => ({ ...c, status: "green", requiresVerification: false }));
    await rejection(() => h.graph.updateState(old.config, { claims: new Overwrite(forged) }, "sneaky"));
    notGreen(await reread(style, schema), "c1");
  });

  // Was broken in StateSchema and zod state: a producer edited the claims in its state in place (c1 green, its
  // descendant c2 unflagged at 0.99) and added an honest new claim; PostgreSQL saved the edits. Loaded claims
  // are frozen in every style now, so the edit throws in the node and nothing is saved.
  it("in-place edits of the state are not saved when the node also adds a claim", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    await h.run("researcher", add(claim("c1"), claim("c2", ["c1"])));
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() =>
      h.run("researcher", (st: any) => {
        for (const c of st.claims) Object.assign(c, { status: "green", requiresVerification: false, confidence: 0.99 });
        return { claims: [claim("c3")] };
      }),
    );
    const cs = await reread(style, schema);
    notGreen(cs, "c1");
    doubted(cs, "c2", 0);
  });

  // A producer returns a plain new claim and flips it green in a microtask after returning (before LangGraph
  // applies the writes): the write is rejected whole or stored not green; PostgreSQL never holds it green.
  it("a claim object flipped green in a microtask after the node returned is not saved green", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    const obj: any = claim("c1");
    await h
      .run("researcher", () => {
        queueMicrotask(() => {
          try {
            Object.assign(obj, { status: "green", requiresVerification: false });
          } catch (error) {
            if (!(error instanceof TypeError)) throw error; // frozen at node time (StateSchema, zod): the edit is refused
          }
        });
        return { claims: [obj] };
      })
      .catch(() => undefined);
    expect((await reread(style, schema)).find((c: any) => c.id === "c1")?.status).not.toBe("green");
  });

  it("graph input of a green copy on the same thread does not lift the red verdict (held)", async () => {
    const { s, schema } = await saver(style);
    const h = new Harness(style, undefined, s);
    await h.run("researcher", add(claim("c1")));
    await h.run("challenger", write(batch(["c1"], "green")));
    const green = structuredClone(await h.claims());
    await h.run("challenger", write(batch(["c1"], "red")));
    await rejection(() => h.run("mallory", () => ({}), "t", { claims: green }));
    stillRed(await reread(style, schema), "c1");
  });
});
