import { expect } from "vitest";
import { claimVerdicts } from "langgraph-firebreak";
import { origin } from "./harness.js";

export const claim = (id: string, basedOn: string[] = [], agent = "researcher", confidence = 0.9) => ({
  id,
  text: `statement ${id}`,
  confidence,
  origin: origin(agent, basedOn),
});
let n = 0;
/** A fresh verdict batch with new, fetched evidence. */
export const batch = (ids: string[], status: string, who = "challenger") => {
  const ev = `ev-a3-${++n}`;
  return claimVerdicts(who, ids.map((id) => ({ id, status: status as any, reason: status, evidence: [ev] })), { fetched: [ev] });
};
/** The promise: either the write was rejected, or the claim is still not green. */
export const notGreen = (cs: any[], id: string) => {
  const c = cs.find((x) => x.id === id);
  expect(c, `claim ${id} present`).toBeDefined();
  expect(c.status, id).not.toBe("green");
};
export const stillRed = (cs: any[], id: string) => {
  const c = cs.find((x) => x.id === id);
  expect(c, `claim ${id} still present`).toBeDefined();
  expect(c.status, id).toBe("red");
};
export const doubted = (cs: any[], id: string, cap: number) => {
  const c = cs.find((x) => x.id === id);
  expect(c, `claim ${id} present`).toBeDefined();
  expect(c.status, id).not.toBe("green");
  expect(c.requiresVerification, id).toBe(true);
  expect(c.confidence, id).toBeLessThanOrEqual(cap);
};
