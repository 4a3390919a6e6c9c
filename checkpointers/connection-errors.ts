import { checkpointerError, CheckpointerError, type CheckpointerErrorCode, type CheckpointerFaultReason } from "./checkpointer-error.js";
import { redactText, redactUrl } from "./redact.js";

/** Where a checkpointer was trying to connect, for error messages (never the password). */
export interface ConnectionTarget {
  /** `host:port`, e.g. `127.0.0.1:5432`. */
  readonly address: string;
  /** The user name, if the URL carries one. */
  readonly user?: string;
  /** The database name, if the URL carries one. */
  readonly database?: string;
  /** The URL with its password (in `user:password@` or `?password=`) replaced by `***`. */
  readonly redactedUrl: string;
}

/**
 * Parses a `postgres://` URL into what error messages may show: host, port, user,
 * database, and the URL with every secret redacted.
 */
export function describeConnectionUrl(url: string): ConnectionTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { address: "(unparsable URL)", redactedUrl: "(unparsable URL)" };
  }
  const host = parsed.hostname || "localhost";
  const port = parsed.port || "5432";
  const user = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const database = parsed.pathname.length > 1 ? decodeURIComponent(parsed.pathname.slice(1)) : undefined;
  return {
    address: `${host}:${port}`,
    redactedUrl: redactUrl(url),
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
  "57P03", // cannot_connect_now: the server is starting or shutting down
  "53300", // too_many_connections
]);

/**
 * Errors that mean an open connection died: the statement's outcome is unknown, but the
 * server (or a new connection to it) may well be fine.
 */
const CONNECTION_LOST_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "57P01", // admin_shutdown: pg_ctl stop, or a pooler closing the server connection
  "57P02", // crash_shutdown
  "08000", // connection_exception
  "08003", // connection_does_not_exist
  "08006", // connection_failure
]);
const CONNECTION_LOST_MESSAGE =
  /Connection terminated|terminating connection|Client has encountered a connection error|Client was closed|not queryable|socket hang up|write after end/i;

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

/** True when `error` says an open connection died (not: refused, timed out, a SQL error). */
export function isConnectionLost(error: unknown): boolean {
  if (error instanceof CheckpointerError) return error.reason === "connection-lost";
  const code = errorCode(error);
  if (code !== undefined && CONNECTION_LOST_CODES.has(code)) return true;
  const message = errorMessage(error);
  // "Connection terminated due to connection timeout" is a connect timeout, not a lost connection.
  return code === undefined && CONNECTION_LOST_MESSAGE.test(message) && !/timeout/i.test(message);
}

/** What the caller was doing when the error happened; it shapes the advice. */
export type ConnectionPhase = "connect" | "setup" | "query";

/**
 * Turns an error thrown while connecting to, setting up or querying PostgreSQL into a
 * `CheckpointerError` whose message names the server (`host:port`, never a secret), what
 * went wrong and what to do, with a `reason` where one applies. Errors it does not
 * recognise become `CHECKPOINTER_SETUP`; a `CheckpointerError` is returned unchanged.
 */
export function toCheckpointerError(error: unknown, url: string, phase: ConnectionPhase = "setup"): CheckpointerError {
  if (error instanceof CheckpointerError) return error;
  const target = describeConnectionUrl(url);
  const fault: Fault = { error, code: errorCode(error), rawMessage: redactText(errorMessage(error), url), phase, target, where: `PostgreSQL at ${target.address}` };
  const found = unreachable(fault) ?? refusedLogin(fault) ?? setupFailure(fault);
  return checkpointerError(found.code, redactText(found.message, url), { cause: error, ...(found.reason ? { reason: found.reason } : {}) });
}

/** What {@link toCheckpointerError} reads off a driver error, once. */
interface Fault {
  readonly error: unknown;
  readonly code: string | undefined;
  /** The driver's message, without secrets. */
  readonly rawMessage: string;
  readonly phase: ConnectionPhase;
  readonly target: ConnectionTarget;
  /** `PostgreSQL at host:port`. */
  readonly where: string;
}

/** A classified fault: the class (by code), the message and the finer reason. */
interface Classified {
  readonly code: CheckpointerErrorCode;
  readonly message: string;
  readonly reason?: CheckpointerFaultReason | undefined;
}

/** The server could not be reached, timed out or dropped the connection: `CHECKPOINTER_UNREACHABLE`. */
function unreachable({ error, code, rawMessage, phase, target, where }: Fault): Classified | undefined {
  if (isConnectionLost(error)) {
    return {
      code: "CHECKPOINTER_UNREACHABLE",
      message:
        `Lost the connection to the checkpointer database: ${where} closed or reset it while ` +
        `${phase === "query" ? "a checkpoint query was in flight" : "it was in use"} (${rawMessage}). ` +
        `The run was stopped before its next step; the thread is resumable from its last checkpoint ` +
        `once the server is back (invoke(null, config)). Check the server and any pooler in between ` +
        `(now ${target.redactedUrl}).`,
      reason: "connection-lost",
    };
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    const what =
      code === "ECONNREFUSED" ? "refused the connection (nothing is listening on that port)"
      : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "could not be resolved (unknown host name)"
      : code === "ETIMEDOUT" ? "did not answer in time"
      : code === "57P03" ? "is starting up or shutting down"
      : code === "53300" ? "has no free connection slots"
      : `is not reachable (${code})`;
    return {
      code: "CHECKPOINTER_UNREACHABLE",
      message:
        `Cannot reach the checkpointer database: ${where} ${what}. ` +
        `Start the server or fix the host and port in DATABASE_URL / the \`url\` option ` +
        `(now ${target.redactedUrl}); unset both to use the embedded default instead.`,
      reason: code === "ECONNREFUSED" || code === "57P03" ? "refused" : code === "ETIMEDOUT" ? "timeout" : undefined,
    };
  }
  // pg's wording: "timeout expired" (Client), "timeout exceeded when trying to connect"
  // (Pool), "Connection terminated due to connection timeout".
  if (/timeout expired|timeout exceeded|connection timeout/i.test(rawMessage)) {
    return {
      code: "CHECKPOINTER_UNREACHABLE",
      message:
        `Cannot reach the checkpointer database: ${where} did not accept a connection in time. ` +
        `Check that the server is up and the host and port in ${target.redactedUrl} are right, ` +
        `or raise the \`connectTimeoutMs\` option.`,
      reason: "timeout",
    };
  }
  if (code === "57014") {
    return {
      code: "CHECKPOINTER_UNREACHABLE",
      message:
        `${where} cancelled a checkpoint statement (${rawMessage}): it ran past the server's ` +
        `statement_timeout or was cancelled by an operator. The thread is resumable from its last checkpoint.`,
      reason: "timeout",
    };
  }
  return undefined;
}

/** The server refused the login (password, role, database): `CHECKPOINTER_AUTH`. */
function refusedLogin({ code, rawMessage, target, where }: Fault): Classified | undefined {
  const user = target.user ?? "(default)";
  if (code === "28P01" || /password authentication failed/i.test(rawMessage)) {
    return {
      code: "CHECKPOINTER_AUTH",
      message: `${where} rejected the password for user "${user}". Fix the password in DATABASE_URL / the \`url\` option (now ${target.redactedUrl}).`,
    };
  }
  if (/SASL|client password must be a string/i.test(rawMessage)) {
    return {
      code: "CHECKPOINTER_AUTH",
      message:
        `${where} asks for a password for user "${user}" but none was given. ` +
        `Put it in the URL (postgres://user:password@host:port/db) or in PGPASSWORD.`,
    };
  }
  if (code === "28000") {
    return {
      code: "CHECKPOINTER_AUTH",
      message: `${where} refused the login for user "${user}": ${rawMessage}. Create the role (CREATE ROLE … LOGIN) or use an existing user in ${target.redactedUrl}.`,
    };
  }
  if (code === "3D000") {
    return {
      code: "CHECKPOINTER_AUTH",
      message:
        `${where} has no database "${target.database ?? "(default)"}". ` +
        `Create it (createdb ${target.database ?? "<name>"}) or name an existing one in ${target.redactedUrl}.`,
    };
  }
  return undefined;
}

/** Everything else: a privilege, a failed query or a failed setup: `CHECKPOINTER_SETUP`. */
function setupFailure({ code, rawMessage, phase, target, where }: Fault): Classified {
  if (code === "42501") {
    return {
      code: "CHECKPOINTER_SETUP",
      message:
        `${where}: user "${target.user ?? "(default)"}" may not ${phase === "query" ? "read or write" : "create"} ` +
        `the checkpoint tables (${rawMessage}). Grant the privileges on the database or schema, or run setup once as an owner.`,
    };
  }
  const suffix = `${rawMessage}${code ? ` (code ${code})` : ""}`;
  if (phase === "query") {
    return {
      code: "CHECKPOINTER_SETUP",
      message: `A checkpoint query on ${where} failed: ${suffix}. If the tables were dropped or altered, run createCheckpointer() again to migrate them.`,
    };
  }
  return { code: "CHECKPOINTER_SETUP", message: `Setting up the checkpointer on ${where} failed: ${suffix}.` };
}
