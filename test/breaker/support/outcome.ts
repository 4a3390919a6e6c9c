/** How a guarded call ended, as the circuit sees it. */
import { isCircuitOpenError } from "../../../src/index.js";

/** "ok" when `call` resolves, "open" when the circuit refused it (nothing sent), "failed" for any other error. */
export async function outcome(call: Promise<unknown>): Promise<"ok" | "open" | "failed"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return isCircuitOpenError(error) ? "open" : "failed";
  }
}
