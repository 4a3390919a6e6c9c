import { TracingError } from "./tracing-error.js";

/**
 * Imports an optional peer dependency of `langgraph-firebreak/tracing` on first use, and
 * turns "not installed" into an error that says which package to add.
 */
export async function loadPeer<T>(load: () => Promise<T>, specifier: string, feature: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new TracingError(
        `setupTracing: ${feature} needs the optional peer dependency "${specifier}", which is not installed. Run: npm install ${specifier}`,
        { cause: error },
      );
    }
    throw error;
  }
}
