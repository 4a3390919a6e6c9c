/**
 * The store's liveness watch (a hung Redis keeps its connection open): it fires only when
 * commands are outstanding and no reply of any kind arrived for the bound, never while idle,
 * and never because replies kept coming slowly. Fake timers and a fake monotonic clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hangAfterMs, Liveness } from "../../../src/breaker/store/redis-liveness.js";

beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "performance"] }));
afterEach(() => void vi.useRealTimers());

/** A command whose reply the test delivers. */
function command() {
  let answer!: () => void;
  const reply = new Promise<void>((resolve) => (answer = resolve));
  return { reply, answer };
}

describe("Liveness", () => {
  it("declares a hang once commands went unanswered for the bound", async () => {
    let hangs = 0;
    const live = new Liveness(200, () => hangs++);
    live.track(command().reply);
    await vi.advanceTimersByTimeAsync(199);
    expect(hangs).toBe(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(hangs).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(hangs).toBe(1); // once: the store's heartbeat takes over
  });

  it("stays quiet while idle and while replies keep arriving within the bound", async () => {
    let hangs = 0;
    const live = new Liveness(200, () => hangs++);
    await vi.advanceTimersByTimeAsync(1_000); // nothing outstanding: nothing to watch
    for (let i = 0; i < 10; i++) {
      const a = command();
      const b = command();
      live.track(a.reply);
      live.track(b.reply);
      await vi.advanceTimersByTimeAsync(150);
      a.answer();
      await vi.advanceTimersByTimeAsync(150); // b outstanding 300 ms, but a replied 150 ms ago
      b.answer();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(hangs).toBe(0);
  });

  it("a rejected command is a reply too; stop() ends the watch", async () => {
    let hangs = 0;
    const live = new Liveness(200, () => hangs++);
    const failed = Promise.reject(new Error("Connection is closed"));
    failed.catch(() => {});
    live.track(failed);
    await vi.advanceTimersByTimeAsync(500);
    live.track(command().reply);
    live.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(hangs).toBe(0);
  });

  it("the bound is 2 × timeoutMs, at least 200 ms", () => {
    expect([hangAfterMs(1), hangAfterMs(100), hangAfterMs(150), hangAfterMs(5_000)]).toEqual([200, 200, 300, 10_000]);
  });
});
