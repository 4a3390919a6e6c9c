/** The confidence-interval helpers of the benchmarks (bench/lib/stats.ts) against known values. */
import { describe, expect, it } from "vitest";
import { bootstrapRatio, meanCI, tQuantile975, wilson } from "../../bench/lib/stats.js";

describe("wilson", () => {
  it("gives the Wilson score interval for 45/50 and the edge cases", () => {
    const w = wilson(45, 50);
    expect(w.value).toBe(0.9);
    expect(w.lo).toBeCloseTo(0.7864, 4);
    expect(w.hi).toBeCloseTo(0.9565, 4);
    // 0/10: [0, 0.2775]; 10/10: [0.7225, 1].
    expect(wilson(0, 10).lo).toBe(0);
    expect(wilson(0, 10).hi).toBeCloseTo(0.2775, 4);
    expect(wilson(10, 10).lo).toBeCloseTo(0.7225, 4);
    expect(wilson(10, 10).hi).toBe(1);
    expect(() => wilson(3, 0)).toThrow(RangeError);
  });
});

describe("t intervals", () => {
  it("matches Student's t quantiles", () => {
    expect(tQuantile975(1)).toBeCloseTo(12.706, 3);
    expect(tQuantile975(4)).toBeCloseTo(2.776, 2);
    expect(tQuantile975(10)).toBeCloseTo(2.228, 3);
    expect(tQuantile975(30)).toBeCloseTo(2.042, 3);
    expect(tQuantile975(1000)).toBeCloseTo(1.962, 3);
  });

  it("gives mean ± t·s/√n", () => {
    const e = meanCI([1, 2, 3, 4, 5]); // s² = 2.5, t(4) = 2.7764
    expect(e.value).toBe(3);
    expect(e.hi - e.value).toBeCloseTo(2.7764 * Math.sqrt(2.5 / 5), 2);
    expect(meanCI([7, 7, 7])).toEqual({ value: 7, lo: 7, hi: 7 });
  });
});

describe("bootstrapRatio", () => {
  it("is exact for a constant ratio and brackets the ratio of means otherwise, reproducibly", () => {
    const y = [10, 20, 30, 40, 50, 60];
    expect(bootstrapRatio(y.map((v) => 2 * v), y)).toEqual({ value: 2, lo: 2, hi: 2 });
    const x = [12, 18, 35, 38, 52, 70];
    const r = bootstrapRatio(x, y, { seed: 3 });
    expect(r.value).toBeCloseTo(225 / 210, 10);
    expect(r.lo).toBeLessThan(r.value);
    expect(r.hi).toBeGreaterThan(r.value);
    expect(bootstrapRatio(x, y, { seed: 3 })).toEqual(r);
  });
});
