import type { ChallengeRequest, EvidenceItem } from "langgraph-firebreak/nodes";

const POWER = /(\d+(?:\.\d+)?)\s*\^\s*(\d+)/g;

/**
 * The challenger's own evidence: a calculator. Every power `a^b` mentioned in a claim is
 * computed here, so the challenger checks the arithmetic against a source the researcher's
 * chain did not have (a verifier only helps when it brings new information, arXiv:2603.26993).
 * This is real computation, not a scripted judgement.
 */
export function calculatorEvidence(request: ChallengeRequest): EvidenceItem[] {
  const out: EvidenceItem[] = [];
  const seen = new Set<string>();
  for (const claim of request.claims) {
    for (const [, base, exponent] of claim.text.matchAll(POWER)) {
      const expression = `${base}^${exponent}`;
      if (seen.has(expression)) continue;
      seen.add(expression);
      const value = Number(base) ** Number(exponent);
      out.push({ id: `calc:${out.length + 1}`, content: `${expression} = ${Number(value.toPrecision(10))}`, source: "calculator" });
    }
  }
  return out;
}
