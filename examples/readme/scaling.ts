import { createRedisCircuitStore, nonEmpty, withSemanticBreaker } from "langgraph-firebreak";
import { ScriptedChatModel } from "langgraph-firebreak/testing";

// Two breakers standing in for two processes behind a load balancer, sharing one Redis.
const store = createRedisCircuitStore({ url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", keyPrefix: `demo:${process.pid}:` });
const degraded = () => new ScriptedChatModel({ script: [""], whenExhausted: "loop" }); // scripted stand-in: HTTP 200, empty answer
const a = withSemanticBreaker(degraded(), { name: "primary", checks: [nonEmpty()], trip: 2, store });
const b = withSemanticBreaker(degraded(), { name: "primary", checks: [nonEmpty()], trip: 2, store });
await store.ready(); // until Redis answers, each process counts on its own

await a.invoke("Hi").catch(() => {}); // one bad answer in process A…
await b.invoke("Hi").catch(() => {}); // …and one in process B: two in total trip the fleet's circuit
await new Promise((r) => setTimeout(r, 100)); // the trip spreads by pub/sub (2–3 ms measured)
console.log(a.breaker.status()[0].state, b.breaker.status()[0].state); // → open open
await store.close();
