import { AIMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { adoptionStep, measureInfection, runWithChaos } from "../../src/chaos/index.js";
import { reduceClaims, type Claim, type ClaimInput } from "../../src/claims/index.js";

const TEXT = "The capital of Australia is";
const claim = (id: string, agent: string, value: string, basedOn: string[] = [], taint?: string[]): ClaimInput => ({
  id,
  text: TEXT,
  value,
  origin: { agent, source: "model", basedOn },
  confidence: 0.8,
  ...(taint ? { taint } : {}),
});
/** The stored claims after the channel's reducer: taints are inherited through `basedOn`. */
const store = (...items: ClaimInput[]): Claim[] => reduceClaims([], items);

describe("measureInfection", () => {
  it("counts a node infected when its claim is derived from a tainted claim, leaving the seed out of the rate", () => {
    const claims = store(
      claim("s", "seed", "Sydney", [], ["chaos"]),
      claim("a", "alice", "Sydney", ["s"]),
      claim("b", "bob", "Canberra"),
      claim("w", "writer", "Sydney", ["a"]),
    );
    expect(claims[3]!.taint).toEqual(["chaos"]);
    const report = measureInfection({ claims }, { population: ["seed", "alice", "bob", "writer"], final: ["writer"] });
    expect(report).toEqual({
      infected: ["alice", "writer"],
      clean: ["bob"],
      seeds: ["seed"],
      seedInfected: true,
      rate: 2 / 3,
      full: false,
      finalInfected: true,
      taintedClaims: 3,
    });
  });

  it("judges the final answer by the final node's latest claim and filters by taint label", () => {
    const claims = store(claim("s", "seed", "Sydney", [], ["chaos"]), claim("w1", "writer", "Sydney", ["s"]), claim("w2", "writer", "Canberra"));
    expect(measureInfection(claims, { final: ["writer"] }).finalInfected).toBe(false);
    expect(measureInfection(claims, { taints: ["other"], population: ["writer"] }).rate).toBe(0);
  });

  it("counts prose infection by a marker in a node's own messages", () => {
    const state = {
      claims: [],
      messages: [new AIMessage({ name: "relay", content: "I heard it is Sydney." }), new AIMessage({ name: "other", content: "Canberra." })],
    };
    const report = measureInfection(state, { marker: "Sydney", population: ["relay", "other"], seeds: [] });
    expect(report.infected).toEqual(["relay"]);
    expect(report.rate).toBe(0.5);
  });
});

describe("adoptionStep (scripted adoption rule)", () => {
  const agent = { name: "me", text: TEXT, belief: "Canberra", adoption: 0.5, correction: 0.2 };

  it("keeps its own answer when nobody dissents", async () => {
    const { result } = await runWithChaos(1, async () => adoptionStep(agent, store(claim("x", "you", "Canberra"))));
    expect(result).toMatchObject({ action: "own", claim: { value: "Canberra", origin: { agent: "me", basedOn: [] } } });
  });

  it("adopts a dissenting answer with probability 1 − (1 − β)^k, deriving its claim from the dissenters", async () => {
    const one = store(claim("x", "you", "Sydney"));
    const three = store(claim("x", "you", "Sydney"), claim("y", "them", "Sydney"), claim("z", "others", "Sydney"));
    const rate = async (claims: Claim[]) => {
      let adopted = 0;
      for (let seed = 0; seed < 400; seed++) {
        const { result } = await runWithChaos(seed, async () => adoptionStep(agent, claims));
        if (result.action === "adopted") adopted++;
      }
      return adopted / 400;
    };
    expect(Math.abs((await rate(one)) - 0.5)).toBeLessThan(0.08);
    expect(Math.abs((await rate(three)) - 0.875)).toBeLessThan(0.06);
    const { result } = await runWithChaos(0, async () => adoptionStep({ ...agent, adoption: 1 }, three));
    expect(result.claim).toMatchObject({ value: "Sydney", origin: { basedOn: ["x", "y", "z"] } });
    // Per-author β: 1 − (1 − 0.9)(1 − 0.5) = 0.95 for a deferred-to author plus a peer.
    const two = store(claim("x", "boss", "Sydney"), claim("y", "peer", "Sydney"));
    expect(Math.abs((await rate(two)) - 0.75)).toBeLessThan(0.07);
    const deferring = { ...agent, adoptionFrom: { boss: 0.9 } };
    let adopted = 0;
    for (let seed = 0; seed < 400; seed++) {
      if ((await runWithChaos(seed, async () => adoptionStep(deferring, two))).result.action === "adopted") adopted++;
    }
    expect(Math.abs(adopted / 400 - 0.95)).toBeLessThan(0.04);
  });

  it("reads only the authors it consumes, ignores red claims, and returns to its evidence after a guard's feedback", async () => {
    const claims = store(claim("x", "you", "Sydney"));
    const deaf = await runWithChaos(1, async () => adoptionStep({ ...agent, adoption: 1, reads: ["someone-else"] }, claims));
    expect(deaf.result.action).toBe("own");
    // A stored claim a verifier judged red (built directly: only a declared, sealing verifier may write the verdict).
    const red = claims.map((c) => ({ ...c, status: "red" as const, verifiedBy: { verifier: "checker", at: c.origin.at, reason: "contradicted", evidence: [] } }));
    expect((await runWithChaos(1, async () => adoptionStep({ ...agent, adoption: 1 }, red))).result.action).toBe("own");
    const blocked = await runWithChaos(1, async () => adoptionStep({ ...agent, adoption: 1 }, claims, { blocked: true }));
    expect(blocked.result).toMatchObject({ action: "corrected", claim: { value: "Canberra" } });
  });

  it("restates an adopted answer from its own previous claim, or corrects it with probability δ", async () => {
    const claims = store(claim("x", "you", "Sydney"), claim("m", "me", "Sydney", ["x"]), claim("y", "you", "Sydney"));
    const kept = await runWithChaos(1, async () => adoptionStep({ ...agent, correction: 0 }, claims));
    expect(kept.result).toMatchObject({ action: "kept", claim: { value: "Sydney", origin: { basedOn: ["m"] } } });
    const fixed = await runWithChaos(1, async () => adoptionStep({ ...agent, correction: 1 }, claims));
    expect(fixed.result).toMatchObject({ action: "corrected", claim: { value: "Canberra", origin: { basedOn: [] } } });
  });
});
