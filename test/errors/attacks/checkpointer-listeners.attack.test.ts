import { randomUUID } from "node:crypto";
/**
 * Checkpointer listeners (docs/events.md): onUnavailable on the first CHECKPOINTER_UNREACHABLE after a
 * success, onRecovered on the next success; a throwing listener never breaks the run or the other
 * listeners. On the embedded PGlite default; the outage is simulated by refusing the pool's connections.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as root from "langgraph-firebreak";
import { createCheckpointer, durableConfig, type Checkpointer } from "langgraph-firebreak/checkpointers";
import { refuseConnections } from "../../checkpointers/support/refuse-connections.js";

const S = Annotation.Root({ log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) });
const graphOn = (cp: Checkpointer) =>
  new StateGraph(S).addNode("a", () => ({ log: ["a"] })).addNode("b", () => ({ log: ["b"] })).addEdge(START, "a").addEdge("a", "b").addEdge("b", END).compile({ checkpointer: cp.saver });

describe("checkpointer listeners under attack (embedded PGlite)", () => {
  let dir: string;
  const open: Checkpointer[] = [];
  let n = 0;
  const fresh = async () => {
    const cp = await createCheckpointer({ dataDir: join(dir, `pg${open.length}`) } as never);
    open.push(cp);
    return cp;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "fb-attack-"));
  });
  afterAll(async () => {
    for (const cp of open) await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("throwing listeners change neither the error of the failed run nor the success of the next", async () => {
    const cp = await fresh();
    const g = graphOn(cp);
    cp.onUnavailable(() => { throw new Error("listener bug"); });
    cp.onRecovered(() => { throw new Error("listener bug"); });
    await g.invoke({ log: [] }, durableConfig(`ok-${++n}-${randomUUID()}`));
    const outage = refuseConnections(cp);
    const err = await g.invoke({ log: [] }, durableConfig(`down-${++n}-${randomUUID()}`)).catch((e: unknown) => e);
    outage.restore();
    expect(root.isCheckpointerUnreachableError(err)).toBe(true);
    expect((await g.invoke({ log: [] }, durableConfig(`up-${++n}-${randomUUID()}`))).log).toEqual(["a", "b"]);
  });

  it("a throwing checkpointer listener does not silence the other listeners", async () => {
    const cp = await fresh();
    const g = graphOn(cp);
    const heard: string[] = [];
    const subs = [
      cp.onUnavailable(() => { throw new Error("listener bug"); }),
      cp.onRecovered(() => { throw new Error("listener bug"); }),
      cp.onUnavailable((e) => heard.push(`down:${e.code}:${e.reason}`)),
      cp.onRecovered((r) => heard.push(`up:${typeof r.downMs}`)),
    ];
    await g.invoke({ log: [] }, durableConfig(`ok-${++n}-${randomUUID()}`));
    const outage = refuseConnections(cp);
    const err = await g.invoke({ log: [] }, durableConfig(`down-${++n}-${randomUUID()}`)).catch((e: unknown) => e);
    outage.restore();
    expect(root.isCheckpointerUnreachableError(err)).toBe(true);
    const out = await g.invoke({ log: [] }, durableConfig(`up-${++n}-${randomUUID()}`));
    expect(out.log).toEqual(["a", "b"]);
    expect(heard).toEqual(["down:CHECKPOINTER_UNREACHABLE:refused", "up:number"]);
    for (const s of subs) s.dispose();
  });

  it("onUnavailable fires once per outage (not per failed call); after dispose nothing is heard", async () => {
    const cp = await fresh();
    const g = graphOn(cp);
    const heard: string[] = [];
    const a = cp.onUnavailable(() => heard.push("down"));
    const b = cp.onRecovered(() => heard.push("up"));
    await g.invoke({ log: [] }, durableConfig(`ok-${++n}-${randomUUID()}`));
    const outage = refuseConnections(cp);
    await g.invoke({ log: [] }, durableConfig(`d1-${++n}`)).catch(() => undefined);
    await g.invoke({ log: [] }, durableConfig(`d2-${++n}`)).catch(() => undefined);
    outage.restore();
    await g.invoke({ log: [] }, durableConfig(`u-${++n}`));
    expect(heard).toEqual(["down", "up"]);
    a.dispose();
    b.dispose();
    const again = refuseConnections(cp);
    await g.invoke({ log: [] }, durableConfig(`d3-${++n}`)).catch(() => undefined);
    again.restore();
    await g.invoke({ log: [] }, durableConfig(`u2-${++n}`));
    expect(heard).toEqual(["down", "up"]);
  });

  it("after a throwing listener is disposed, new listeners hear the next outage and recovery", async () => {
    const cp = await fresh();
    const g = graphOn(cp);
    const bad = [cp.onUnavailable(() => { throw new Error("listener bug"); }), cp.onRecovered(() => { throw new Error("listener bug"); })];
    await g.invoke({ log: [] }, durableConfig(`ok-${++n}-${randomUUID()}`));
    let outage = refuseConnections(cp);
    await g.invoke({ log: [] }, durableConfig(`d-${++n}`)).catch(() => undefined);
    outage.restore();
    await g.invoke({ log: [] }, durableConfig(`u-${++n}`));
    for (const b of bad) b.dispose();
    const heard: string[] = [];
    cp.onUnavailable(() => heard.push("down"));
    cp.onRecovered(() => heard.push("up"));
    outage = refuseConnections(cp);
    await g.invoke({ log: [] }, durableConfig(`d-${++n}`)).catch(() => undefined);
    outage.restore();
    await g.invoke({ log: [] }, durableConfig(`u-${++n}`));
    expect(heard).toEqual(["down", "up"]);
  });
});
