import { describe, expect, it } from "vitest";
import { planRun, runJobId, type ThreadPosition } from "../../src/workers/index.js";

const at = (p: Partial<ThreadPosition>): ThreadPosition => ({ latest: null, pending: 0, interrupts: 0, gatedBefore: false, ...p });

describe("planRun: what a job gives invoke", () => {
  it("applies a start job's input while the thread is still where the job found it", () => {
    expect(planRun("start", undefined, at({}))).toBe("input");
    expect(planRun("start", null, at({ latest: null }))).toBe("input");
    expect(planRun("start", "c1", at({ latest: "c1", pending: 0 }))).toBe("input");
  });

  it("continues from the last checkpoint, never re-applying the input, once the thread moved past the recorded checkpoint", () => {
    expect(planRun("start", null, at({ latest: "c2", pending: 1 }))).toBe("continue");
    expect(planRun("start", "c1", at({ latest: "c5", pending: 2 }))).toBe("continue");
    expect(planRun("start", "c1", at({ latest: "c5", pending: 0 }))).toBe("report");
  });

  it("reports a thread parked at a gate instead of passing it", () => {
    expect(planRun("start", null, at({ latest: "c3", pending: 1, interrupts: 1 }))).toBe("report");
    expect(planRun("start", null, at({ latest: "c3", pending: 1, gatedBefore: true }))).toBe("report");
    expect(planRun("resume", "c3", at({ latest: "c4", pending: 1, interrupts: 1 }))).toBe("report");
  });

  it("answers a gate with the resume command, or continues past a static interruptBefore", () => {
    expect(planRun("resume", undefined, at({ latest: "c3", pending: 1, interrupts: 1 }))).toBe("command");
    expect(planRun("resume", "c3", at({ latest: "c3", pending: 1, interrupts: 1 }))).toBe("command");
    expect(planRun("resume", undefined, at({ latest: "c3", pending: 1, gatedBefore: true }))).toBe("continue");
    expect(planRun("resume", undefined, at({ latest: "c3", pending: 0 }))).toBe("report");
  });
});

describe("runJobId", () => {
  it("has no ':' and is never a bare integer, and differs by thread, kind and run", () => {
    expect(runJobId("a:b", "start", 1)).toBe("a%3Ab.start.1");
    expect(runJobId("42", "resume", 7)).toBe("42.resume.7");
    expect(new Set([runJobId("t", "start", 1), runJobId("t", "start", 2), runJobId("t", "resume", 1), runJobId("u", "start", 1)]).size).toBe(4);
  });
});
