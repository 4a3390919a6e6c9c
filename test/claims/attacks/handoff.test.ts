import { END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";

import { claimVerdicts, withWriteContract, type Claim, type ClaimVerdict } from "../../../src/index.js";
import { claim, settle, stateFor, STYLES, type Style } from "./support/state-styles.js";

const v = (id: string, status: "green" | "yellow" | "red", evidence: string[]): ClaimVerdict => ({ id, status, reason: `${status} ${id}`, evidence });

/** Runs researcher → challenger(s) in one graph; each review is one challenger pass. */
async function produce(style: Style, initial: unknown[], reviews: ClaimVerdict[][]): Promise<Claim[][]> {
  const snapshots: Claim[][] = [];
  let claims: Claim[] | undefined;
  for (const verdicts of reviews) {
    const fn = () => ({ claims: claimVerdicts("challenger", verdicts, { fetched: verdicts.flatMap((x) => x.evidence ?? []) }) });
    const node = style === "Annotation" ? withWriteContract(fn as any, { allowed: ["claims"], role: "verifier" }) : fn;
    const g: any = new StateGraph(stateFor(style))
      .addNode("researcher", (() => (claims ? {} : { claims: initial })) as any)
      .addNode("challenger", node as any)
      .addEdge(START, "researcher").addEdge("researcher", "challenger").addEdge("challenger", END)
      .compile();
    const out = await g.invoke(claims ? { claims } : {});
    claims = JSON.parse(JSON.stringify(out.claims));
    snapshots.push(claims!);
  }
  return snapshots;
}

async function receive(style: Style, claims: unknown[], verifiers = ["challenger"]) {
  const g: any = new StateGraph(stateFor(style, { verifiers }))
    .addNode("noop", () => ({}))
    .addEdge(START, "noop").addEdge("noop", END)
    .compile();
  const r = await settle(g.invoke({ claims }));
  return { ok: r.ok, claims: (r.ok ? (r as any).value.claims : []) as Claim[], error: r.ok ? undefined : (r as any).error };
}
const get = (claims: Claim[], id: string) => claims.find((c) => c.id === id);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const notGreen = (r: { ok: boolean; claims: Claim[] }, id: string) => expect(r.ok ? get(r.claims, id)?.status : "rejected").not.toBe("green");

describe.each(STYLES)("handing verified claims on (%s)", (style) => {
  it("sanity: a JSON round-tripped verified claim keeps green in another graph; an unaccepted verifier downgrades it", async () => {
    const [s1] = await produce(style, [claim("c1")], [[v("c1", "green", ["e:1"])]]);
    const r = await receive(style, s1!);
    expect(r.ok).toBe(true);
    expect(get(r.claims, "c1")?.status).toBe("green");
    const r2 = await receive(style, s1!, ["auditor"]);
    notGreen(r2, "c1");
  });

  it("a red claim with its status edited to green is not green", async () => {
    const [s1] = await produce(style, [claim("c1")], [[v("c1", "red", ["e:r"])]]);
    const forged = clone(s1!);
    (forged[0] as any).status = "green";
    notGreen(await receive(style, forged), "c1");
  });

  it("a verification record copied from another claim does not make it green", async () => {
    const [s1] = await produce(style, [claim("c1"), claim("c2")], [[v("c1", "green", ["e:1"])]]);
    const forged = clone(s1!);
    const c2 = forged.find((c) => c.id === "c2") as any;
    const c1 = forged.find((c) => c.id === "c1") as any;
    c2.status = "green";
    c2.verifiedBy = c1.verifiedBy;
    c2.history = c1.history;
    c2.requiresVerification = false;
    notGreen(await receive(style, forged), "c2");
  });

  it("a fabricated verifiedBy (no seal / junk seal) does not make a claim green", async () => {
    const [s1] = await produce(style, [claim("c1"), claim("c2")], [[v("c1", "green", ["e:1"])]]);
    const forged = clone(s1!);
    const c2 = forged.find((c) => c.id === "c2") as any;
    c2.status = "green";
    c2.verifiedBy = { verifier: "challenger", at: "2026-01-01T00:00:00.000Z", reason: "ok", evidence: ["e:9"], status: "green" };
    notGreen(await receive(style, forged), "c2");
    c2.verifiedBy.seal = { k: "x", mac: "y" };
    notGreen(await receive(style, forged), "c2");
  });

  it("a green claim with its text edited keeps no green", async () => {
    const [s1] = await produce(style, [claim("c1")], [[v("c1", "green", ["e:1"])]]);
    const forged = clone(s1!);
    (forged[0] as any).text = "something else entirely";
    notGreen(await receive(style, forged), "c1");
  });

  it("a green verification record with its reason/evidence edited is rejected", async () => {
    const [s1] = await produce(style, [claim("c1")], [[v("c1", "green", ["e:1"])]]);
    const forged = clone(s1!);
    (forged[0] as any).verifiedBy.evidence = ["e:other"];
    notGreen(await receive(style, forged), "c1");
  });

  it("green → red history reordered (green made latest) is not green", async () => {
    const snaps = await produce(style, [claim("c1")], [[v("c1", "green", ["e:1"])], [v("c1", "red", ["e:r"])]]);
    const last = snaps[1]!;
    expect(get(last, "c1")?.status).toBe("red");
    const forged = clone(last) as any[];
    const c1 = forged.find((c) => c.id === "c1");
    const red = c1.verifiedBy;
    c1.verifiedBy = c1.history[c1.history.length - 1];
    c1.history = [...c1.history.slice(0, -1), red];
    c1.status = "green";
    c1.requiresVerification = false;
    notGreen(await receive(style, forged), "c1");
  });

  it("mixing snapshots: a child green from an earlier snapshot with its parent red from a later one arrives unverified, capped at 0", async () => {
    const snaps = await produce(style, [claim("a"), claim("b", "analyst", ["a"])], [
      [v("a", "green", ["e:a"]), v("b", "green", ["e:b"])],
      [v("a", "red", ["e:r"])],
    ]);
    const mixed = [get(snaps[1]!, "a")!, get(snaps[0]!, "b")!];
    const r = await receive(style, mixed);
    notGreen(r, "b");
    if (r.ok) {
      expect(get(r.claims, "b")?.requiresVerification).toBe(true);
      expect(get(r.claims, "b")?.confidence).toBe(0);
    }
  });

  it("a handed-on descendant of a red claim with confidence / requiresVerification edited stays capped and flagged", async () => {
    const snaps = await produce(style, [claim("a"), claim("b", "analyst", ["a"])], [[v("a", "red", ["e:r"])]]);
    const forged = clone(snaps[0]!) as any[];
    const b = forged.find((c) => c.id === "b");
    b.confidence = 0.95;
    delete b.statedConfidence;
    b.requiresVerification = false;
    const r = await receive(style, forged);
    if (r.ok) {
      expect(get(r.claims, "b")?.confidence).toBe(0);
      expect(get(r.claims, "b")?.requiresVerification).toBe(true);
    }
  });

  it("a brand-new claim in graph input that sets its own status green is rejected", async () => {
    const r = await receive(style, [{ ...claim("n1"), status: "green" }]);
    notGreen(r, "n1");
  });
});
