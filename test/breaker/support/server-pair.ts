/** A primary and a backup fake OpenAI-compatible server for each test of a file. */
import { afterEach, beforeEach, vi } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai-server.js";

/**
 * Before each test starts a fresh primary (default behaviour, for the test to script) and a backup
 * (answering `backupAnswer`, or default behaviour when none is given) and hands both to `use`; after
 * each test restores real timers and closes both.
 *
 * @example
 * let primary: FakeOpenAI;
 * let backup: FakeOpenAI;
 * serverPairEachTest((s) => ({ primary, backup } = s), "Backup: Paris is the capital of France.");
 */
export function serverPairEachTest(use: (servers: { primary: FakeOpenAI; backup: FakeOpenAI }) => void, backupAnswer?: string): void {
  let servers: { primary: FakeOpenAI; backup: FakeOpenAI } | undefined;
  beforeEach(async () => {
    const primary = await startFakeOpenAI();
    const backup = await startFakeOpenAI(backupAnswer === undefined ? undefined : () => ({ kind: "good", content: backupAnswer }));
    servers = { primary, backup };
    use(servers);
  });
  afterEach(async () => {
    vi.useRealTimers();
    if (servers !== undefined) await Promise.all([servers.primary.close(), servers.backup.close()]);
    servers = undefined;
  });
}
