import { CheckpointerError } from "./checkpointer-error.js";

/** Where a checkpointer was trying to connect, for error messages (never the password). */
export interface ConnectionTarget {
  /** `host:port`, e.g. `127.0.0.1:5432`. */
  readonly address: string;
  /** The user name, if the URL carries one. */
  readonly user?: string;
  /** The database name, if the URL carries one. */
  readonly database?: string;
  /** The URL with its password replaced by `***`. */
  readonly redactedUrl: string;
}

/**
 * Parses a `postgres://` URL into what error messages may show: host, port, user,
 * database, and the URL with the password redacted.
 */
export function describeConnectionUrl(url: string): ConnectionTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { address: "(unparsable URL)", redactedUrl: "(unparsable URL)" };
  }
  if (parsed.password) parsed.password = "***";
  const host = parsed.hostname || "localhost";
  const port = parsed.port || "5432";
  const user = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const database = parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : undefined;
  return {
    address: `${host}:${port}`,
    redactedUrl: parsed.toString(),
    ...(user === undefined ? {} : { user }),
    ...(database === undefined ? {} : { database }),
  };
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "57P03", // cannot_connect_now: the server is starting or shutting down
  "53300", // too_many_connections
]);

/** Reads the driver error code, looking into an `AggregateError` (one per resolved address). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) for (const e of inner) {
    const c = errorCode(e);
    if (c !== undefined) return c;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  if (error instanceof AggregateError) return error.errors.map(errorMessage).join("; ");
  return String(error);
}

/**
 * Turns an error thrown while connecting to or setting up PostgreSQL into a
 * `CheckpointerError` whose message names the server (`host:port`, never the password),
 * what went wrong and what to do. Errors it does not recognise become
 * `CHECKPOINTER_SETUP`; a `CheckpointerError` is returned unchanged.
 */
export function toCheckpointerError(error: unknown, url: string): CheckpointerError {
  if (error instanceof CheckpointerError) return error;
  const target = describeConnectionUrl(url);
  const where = `PostgreSQL at ${target.address}`;
  const code = errorCode(error);
  const cause = { cause: error };
  const rawMessage = errorMessage(error);

  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const what =
      code === "ECONNREFUSED" ? "refused the connection (nothing is listening on that port)"
      : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "could not be resolved (unknown host name)"
      : code === "ETIMEDOUT" ? "did not answer in time"
      : code === "57P03" ? "is starting up or shutting down"
      : code === "53300" ? "has no free connection slots"
      : `is not reachable (${code})`;
    return new CheckpointerError(
      "CHECKPOINTER_UNREACHABLE",
      `Cannot reach the checkpointer database: ${where} ${what}. ` +
        `Start the server or fix the host and port in DATABASE_URL / the \`url\` option ` +
        `(now ${target.redactedUrl}); unset both to use the embedded default instead.`,
      cause,
    );
  }
  // pg's wording: "timeout expired" (Client), "timeout exceeded when trying to connect"
  // (Pool), "Connection terminated due to connection timeout".
  if (/timeout expired|timeout exceeded|connection timeout/i.test(rawMessage)) {
    return new CheckpointerError(
      "CHECKPOINTER_UNREACHABLE",
      `Cannot reach the checkpointer database: ${where} did not accept a connection in time. ` +
        `Check that the server is up and the host and port in ${target.redactedUrl} are right, ` +
        `or raise the \`connectTimeoutMs\` option.`,
      cause,
    );
  }
  if (code === "28P01" || /password authentication failed/i.test(rawMessage)) {
    return new CheckpointerError(
      "CHECKPOINTER_AUTH",
      `${where} rejected the password for user "${target.user ?? "(default)"}". ` +
        `Fix the password in DATABASE_URL / the \`url\` option (now ${target.redactedUrl}).`,
      cause,
    );
  }
  if (/SASL|client password must be a string/i.test(rawMessage)) {
    return new CheckpointerError(
      "CHECKPOINTER_AUTH",
      `${where} asks for a password for user "${target.user ?? "(default)"}" but none was given. ` +
        `Put it in the URL (postgres://user:password@host:port/db) or in PGPASSWORD.`,
      cause,
    );
  }
  if (code === "28000") {
    return new CheckpointerError(
      "CHECKPOINTER_AUTH",
      `${where} refused the login for user "${target.user ?? "(default)"}": ${rawMessage}. ` +
        `Create the role (CREATE ROLE … LOGIN) or use an existing user in ${target.redactedUrl}.`,
      cause,
    );
  }
  if (code === "3D000") {
    return new CheckpointerError(
      "CHECKPOINTER_AUTH",
      `${where} has no database "${target.database ?? "(default)"}". ` +
        `Create it (createdb ${target.database ?? "<name>"}) or name an existing one in ${target.redactedUrl}.`,
      cause,
    );
  }
  if (code === "42501") {
    return new CheckpointerError(
      "CHECKPOINTER_SETUP",
      `${where}: user "${target.user ?? "(default)"}" may not create the checkpoint tables (${rawMessage}). ` +
        `Grant CREATE on the database or schema, or run setup once as an owner.`,
      cause,
    );
  }
  return new CheckpointerError(
    "CHECKPOINTER_SETUP",
    `Setting up the checkpointer on ${where} failed: ${rawMessage}${code ? ` (code ${code})` : ""}.`,
    cause,
  );
}
