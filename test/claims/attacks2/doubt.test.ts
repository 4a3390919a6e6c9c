// Promise 4: doubt reaches every descendant, deep and wide, and re-greening under a red ancestor keeps the flag.
import { describe, expect, it } from "vitest";
import { claimVerdicts, descendants } from "langgraph-firebreak";
import { Harness, STYLES, add, origin, rejection, write } from "./harness.js";

const claim = (id: string, basedOn: string[] = [], agent = "researcher", confidence = 0.9) => ({
  id,
  text: `statement ${id}`,
  confidence,
  origin: origin(agent, basedOn),
});
let n = 0;
const verdict = (ids: string[], status: string, who = "challenger") => {
  const ev = `ev${++n}`;
  return write(claimVerdicts(who, ids.map((id) => ({ id, status: status as any, reason: status, evidence: [ev] })), { fetched: [ev] }));
};
const doubted = (c: any, cap: number) => {
  expect(c.status, c.id).not.toBe("green");
  expect(c.requiresVerification, c.id).toBe(true);
  expect(c.confidence, c.id).toBeLessThanOrEqual(cap);
};

describe.each(STYLES)("doubt reaches every descendant (%s)", (style) => {
  // c1 <- c2 <- c3 ; c1 <- c4 ; diamond c5 <- (c3, c4)
  async function lineage(h: Harness) {
    await h.run("researcher", add(claim("c1"), claim("c2", ["c1"]), claim("c3", ["c2"])));
    await h.run("analyst", add(claim("c4", ["c1"], "analyst"), claim("c5", ["c3", "c4"], "analyst")));
  }

  for (const [status, cap] of [["red", 0], ["yellow", 0.5]] as const) {
    it(`green descendants lose green when the root turns ${status} (deep, wide, diamond)`, async () => {
      const h = new Harness(style);
      await lineage(h);
      await h.run("challenger", verdict(["c1", "c2", "c3", "c4", "c5"], "green"));
      let cs = await h.claims();
      for (const id of ["c1", "c2", "c3", "c4", "c5"]) expect(h.get(cs, id).status).toBe("green");
      await h.run("challenger", verdict(["c1"], status));
      cs = await h.claims();
      for (const id of ["c2", "c3", "c4", "c5"]) doubted(h.get(cs, id), cap);
    });

    it(`claims added later (other node, other superstep) on a ${status} ancestor's descendant are flagged and capped`, async () => {
      const h = new Harness(style);
      await lineage(h);
      await h.run("auditor", verdict(["c1"], status, "auditor"));
      await h.run("analyst", add(claim("c6", ["c5"], "analyst", 0.99)));
      await h.run("researcher", add(claim("c7", ["c6", "c2"], "researcher", 0.99)));
      const cs = await h.claims();
      for (const id of ["c6", "c7"]) doubted(h.get(cs, id), cap);
    });

    it(`re-greening a descendant while the root is ${status} keeps it (and what is built on it) flagged and capped`, async () => {
      const h = new Harness(style);
      await lineage(h);
      await h.run("challenger", verdict(["c1"], status));
      await h.run("challenger", verdict(["c3"], "green"));
      await h.run("challenger", verdict(["c5"], "green"));
      let cs = await h.claims();
      for (const id of ["c3", "c5"]) {
        expect(h.get(cs, id).requiresVerification).toBe(true);
        expect(h.get(cs, id).confidence).toBeLessThanOrEqual(cap);
      }
      await h.run("analyst", add(claim("c8", ["c5"], "analyst", 1)));
      cs = await h.claims();
      doubted(h.get(cs, "c8"), cap);
      // and a green verdict on the new one keeps it flagged too
      await h.run("challenger", verdict(["c8"], "green"));
      cs = await h.claims();
      expect(h.get(cs, "c8").requiresVerification).toBe(true);
      expect(h.get(cs, "c8").confidence).toBeLessThanOrEqual(cap);
    });
  }

  it("re-greening the descendant and the root in ONE batch (descendant first) leaves no stale green under red", async () => {
    const h = new Harness(style);
    await lineage(h);
    await h.run("challenger", verdict(["c1"], "red"));
    await h.run("challenger", verdict(["c3", "c1"], "green"));
    const cs = await h.claims();
    // now the root is green on new evidence; whatever c3 is, c5 must not be green-and-unflagged while c4 is unverified
    const c5 = h.get(cs, "c5");
    expect(c5.status).not.toBe("green");
  });

  it("a red verdict and a green verdict on a descendant in the same batch: the descendant stays flagged", async () => {
    const h = new Harness(style);
    await lineage(h);
    await h.run("challenger", () => ({
      claims: claimVerdicts(
        "challenger",
        [
          { id: "c3", status: "green", reason: "g", evidence: ["x1"] },
          { id: "c1", status: "red", reason: "r", evidence: ["x1"] },
        ],
        { fetched: ["x1"] },
      ),
    }));
    const cs = await h.claims();
    doubted(h.get(cs, "c3"), 0);
    doubted(h.get(cs, "c5"), 0);
  });

  it("parallel: a red verdict on the root and a new claim on a descendant in the same superstep", async () => {
    const h = new Harness(style);
    await lineage(h);
    await h.run(["challenger", "analyst"], [verdict(["c1"], "red"), add(claim("c9", ["c5"], "analyst", 1))]);
    const cs = await h.claims();
    doubted(h.get(cs, "c9"), 0);
  });

  it("basedOn cycles, self-references and unknown ids are rejected (or at least terminate)", async () => {
    const h = new Harness(style);
    await h.run("researcher", add(claim("a")));
    const bad = [
      [claim("s", ["s"])],
      [claim("x", ["y"]), claim("y", ["x"])],
      [claim("u", ["nope"])],
      [claim("p", ["a", "a"]), claim("q", ["p", "q"])],
    ];
    for (const items of bad) {
      const t0 = Date.now();
      const e = await rejection(() => h.run("researcher", add(...items)));
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(e, JSON.stringify(items.map((i) => i.id))).toBeInstanceOf(Error);
    }
    // forward reference within one update (child listed before its parent)
    const e = await rejection(() => h.run("researcher", add(claim("kid", ["mom"]), claim("mom"))));
    if (e === undefined) {
      await h.run("challenger", verdict(["mom"], "red"));
      doubted(h.get(await h.claims(), "kid"), 0);
    }
  });

  it("a 10,000-deep chain: a red root reaches the leaf in bounded time", async () => {
    const h = new Harness(style);
    const N = 10_000;
    const items = Array.from({ length: N }, (_, i) => claim(`d${i}`, i ? [`d${i - 1}`] : []));
    const t0 = Date.now();
    await h.run("researcher", add(...items));
    await h.run("challenger", verdict(["d0"], "red"));
    const cs = await h.claims();
    expect(Date.now() - t0).toBeLessThan(30_000);
    doubted(h.get(cs, `d${N - 1}`), 0);
    doubted(h.get(cs, `d${N >> 1}`), 0);
    expect(descendants(cs, "d0").length).toBe(N - 1);
    // a new claim on the leaf is flagged too
    await h.run("analyst", add(claim("leaf+", [`d${N - 1}`], "analyst", 1)));
    doubted(h.get(await h.claims(), "leaf+"), 0);
  }, 60_000);

  it("a 2,000-wide fan-out from a root turned yellow: every child capped at 0.5", async () => {
    const h = new Harness(style);
    const W = 2000;
    await h.run("researcher", add(claim("root"), ...Array.from({ length: W }, (_, i) => claim(`w${i}`, ["root"]))));
    await h.run("challenger", verdict(["root"], "yellow"));
    const cs = await h.claims();
    for (let i = 0; i < W; i++) doubted(h.get(cs, `w${i}`), 0.5);
  });
});
