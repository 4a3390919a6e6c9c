import { checkpointerError, type CheckpointerError } from "./checkpointer-error.js";
import { describeConnectionUrl } from "./connection-errors.js";

/**
 * Settles like `promise`, or rejects with `onTimeout()`'s error after `ms`. The timer is
 * cleared as soon as the promise settles (one timer per statement: cheap next to a round trip).
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      reject(onTimeout());
    }, ms);
    promise.then(
      (value) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The error of a statement that got no answer in time (`reason: "timeout"`). */
export function deadlineError(url: string, ms: number, option: string): CheckpointerError {
  const target = describeConnectionUrl(url);
  return checkpointerError(
    "CHECKPOINTER_UNREACHABLE",
    `The checkpointer database at ${target.address} did not answer a checkpoint statement within ` +
      `${ms} ms (\`${option}\`): the network or a pooler in between stalled, or the server is overloaded. ` +
      `The connection was closed and the run stopped; the thread is resumable from its last checkpoint ` +
      `(invoke(null, config)) once ${target.redactedUrl} answers again. Raise \`${option}\` if statements are just slow.`,
    { reason: "timeout" },
  );
}
