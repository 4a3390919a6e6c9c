// Attack kit (attacks6): the attacks5 kit, plus a helper that edits a returned object once the check has run.
export * from "../attacks5/kit.js";

/** Polls (setImmediate ticks) until `ready()` or `ticks` ticks have passed, then runs `mutate`; never throws. */
export async function later(ready: () => boolean, mutate: () => void, ticks = 200): Promise<string> {
  for (let i = 0; i < ticks && !ready(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  try {
    mutate();
    return "mutated";
  } catch (e) {
    return `threw ${(e as Error).constructor.name}`;
  }
}
