/**
 * Shared test helper: tiny loopback servers that speak just enough of the PostgreSQL wire
 * protocol to make the real `pg` driver fail the way a real server would, for cases the
 * CI server (trust auth) cannot produce.
 */
import { createServer, type Server, type Socket } from "node:net";

/** A listening fake server: its port and a `close()`. */
export interface FakeServer {
  readonly port: number;
  close(): Promise<void>;
}

async function listen(onSocket: (socket: Socket) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address !== "object") throw new Error("fake server has no port");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(fields).map(([k, v]) => Buffer.from(`${k}${v}\0`, "utf8")),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/**
 * A server that asks for a cleartext password and rejects any password with SQLSTATE
 * 28P01, exactly as PostgreSQL does for a wrong password under `password` auth.
 */
export function wrongPasswordServer(): Promise<FakeServer> {
  return listen((socket) => {
    let stage: "startup" | "password" = "startup";
    socket.on("data", (data) => {
      // An SSLRequest would be 8 bytes with code 80877103; pg sends none without ssl options.
      if (stage === "startup") {
        stage = "password";
        const ask = Buffer.alloc(9);
        ask.write("R", 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        socket.write(ask);
        return;
      }
      if (data[0] === "p".charCodeAt(0)) {
        socket.end(
          errorResponse({
            S: "FATAL",
            V: "FATAL",
            C: "28P01",
            M: 'password authentication failed for user "app"',
          }),
        );
      }
    });
  });
}

/** A server that accepts TCP connections and never answers (a black hole). */
export function silentServer(): Promise<FakeServer> {
  return listen(() => {});
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = await listen(() => {});
  await server.close();
  return server.port;
}
