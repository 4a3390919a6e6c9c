/**
 * The outside world the effects tests act on, both real and on this machine: a PostgreSQL table
 * whose primary key is the idempotency key (a re-run with the same key is a no-op), and a loopback
 * HTTP endpoint that counts every request and honours an `Idempotency-Key` header.
 */
import { createServer, type Server } from "node:http";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";

export const PG_URL = process.env["FB_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

/** A throw-away table `fx_<uuid>` in the shared database: one row per idempotency key. */
export class Table {
  readonly pool = new pg.Pool({ connectionString: PG_URL, max: 2 });

  /** A new table name, or an existing table's (a child process opening the parent's table). */
  constructor(readonly name = `fx_${randomUUID().replaceAll("-", "")}`) {}

  async create(): Promise<this> {
    await this.pool.query(`CREATE TABLE ${this.name} (key text PRIMARY KEY, body text NOT NULL, created timestamptz NOT NULL DEFAULT now())`);
    return this;
  }

  /** Inserts once per key; returns true when this call inserted. */
  async insert(key: string, body: string): Promise<boolean> {
    const r = await this.pool.query(`INSERT INTO ${this.name} (key, body) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, body]);
    return r.rowCount === 1;
  }

  async remove(key: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.name} WHERE key = $1`, [key]);
  }

  async rows(): Promise<Array<{ key: string; body: string }>> {
    const r = await this.pool.query(`SELECT key, body FROM ${this.name} ORDER BY created, key`);
    return r.rows as Array<{ key: string; body: string }>;
  }

  async drop(): Promise<void> {
    await this.pool.query(`DROP TABLE IF EXISTS ${this.name}`);
    await this.pool.end();
  }
}

/** One request the endpoint received. */
export interface Seen {
  readonly method: string;
  readonly key: string;
  readonly body: string;
}

/**
 * A loopback HTTP endpoint: `POST /tickets` opens a ticket per `Idempotency-Key` (a repeat is
 * answered with the same ticket), `DELETE /tickets/<key>` closes it. Every request is counted.
 */
export class Endpoint {
  readonly seen: Seen[] = [];
  readonly open = new Map<string, string>();
  #server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const key = String(req.headers["idempotency-key"] ?? decodeURIComponent(req.url?.split("/")[2] ?? ""));
        this.seen.push({ method: req.method ?? "?", key, body });
        if (req.method === "POST") {
          if (!this.open.has(key)) this.open.set(key, body);
          res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ticket: key }));
        } else if (req.method === "DELETE") {
          this.open.delete(key);
          res.writeHead(204).end();
        } else res.writeHead(405).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    const address = this.#server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  count(method: string): number {
    return this.seen.filter((s) => s.method === method).length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** Opens a ticket on the endpoint under `key`. */
export async function openTicket(url: string, key: string, title: string): Promise<{ ticket: string }> {
  const res = await fetch(`${url}/tickets`, { method: "POST", headers: { "idempotency-key": key, "content-type": "text/plain" }, body: title });
  if (!res.ok) throw new Error(`the ticket endpoint answered ${res.status}`);
  return (await res.json()) as { ticket: string };
}

/** Closes the ticket opened under `key`. */
export async function closeTicket(url: string, key: string): Promise<void> {
  const res = await fetch(`${url}/tickets/${encodeURIComponent(key)}`, { method: "DELETE" });
  if (!res.ok) throw new Error(`the ticket endpoint answered ${res.status}`);
}

/**
 * A fresh table and loopback endpoint for the calling test file (created before its tests, removed
 * after them); read `world.table` / `world.endpoint` inside tests.
 */
export function useWorld(): { readonly table: Table; readonly endpoint: Endpoint } {
  const world = {} as { table: Table; endpoint: Endpoint };
  beforeAll(async () => {
    world.table = await new Table().create();
    world.endpoint = await new Endpoint().start();
  });
  afterAll(async () => {
    await world.table?.drop();
    await world.endpoint?.stop();
  });
  return world;
}
