import { describe, expect, it } from "vitest";
import {
  createCascadeGraph,
  createScriptedJudge,
  factsEvidence,
  formatCampaignTable,
  renderCampaignSvg,
  runCampaign,
} from "../../src/chaos/index.js";
import { createChallenger, guardNodeInPlace } from "../../nodes/index.js";

const TEXT = "The capital of Australia is";
const challenger = createChallenger({ model: createScriptedJudge(), evidence: factsEvidence({ [TEXT]: "Canberra" }) });

async function smallReport() {
  return runCampaign(() => createCascadeGraph({ workers: ["w<1>", "w2"], adoption: 1 }), {
    input: { task: "What is the capital of Australia?" },
    faults: [{ kind: "falsehood", text: TEXT, value: "Sydney" }],
    targets: ["hub"],
    trials: 2,
    guards: ["unguarded", "recommended"],
    guard: (b, n) => guardNodeInPlace(b, n, { challenger, maxAttempts: 2, onExhausted: "degrade" }),
  });
}

describe("campaign output", () => {
  it("prints one table row per configuration with the parameters underneath", async () => {
    const report = await smallReport();
    const text = formatCampaignTable(report, { label: "scripted agents", timing: false });
    const lines = text.split("\n");
    expect(lines[0]).toBe("scripted agents");
    expect(lines[2]).toMatch(/^\| fault +\| seed +\| guards +\| injected \| infection \| full +\| final +\| defence \| safe +\| tokens +\|$/);
    expect(lines[4]).toMatch(/^\| falsehood \| hub \(supervisor\) \| none +\| 2\/2 +\| 100\.0% +\|/);
    expect(lines[5]).toMatch(/\| recommended \(supervisor\) \|/);
    expect(text).toContain("trials per configuration: 2, seed: 1, fault fires on: every call(s)");
    expect(text).not.toContain("trials/s");
  });

  it("draws every configuration's topology with infection colours, the seed outlined and guards ringed", async () => {
    const report = await smallReport();
    const svg = renderCampaignSvg(report, { note: "scripted agents" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // Two panels, each with every node (names escaped).
    expect(svg.match(/seed hub \(supervisor\) · /g)).toHaveLength(2);
    expect(svg.match(/>w&lt;1&gt;</g)).toHaveLength(2);
    expect(svg).not.toContain("w<1>");
    // The seed has the thick outline in both panels; the guard ring appears only where guarded.
    expect(svg.match(/stroke="#111111" stroke-width="3.5"/g)).toHaveLength(2 + 1 /* legend */);
    expect(svg.match(/stroke="#1f6fd1"/g)).toHaveLength(1 + 1 /* legend */);
    // Full infection unguarded: every worker is drawn at 100.
    expect(svg).toContain(">100</text>");
    expect(svg).toContain("scripted agents · 2 trials per configuration · seed 1 · recommended guards: supervisor");
  });
});
