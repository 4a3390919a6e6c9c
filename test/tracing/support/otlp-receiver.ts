import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A span decoded from an OTLP request, protobuf or JSON. */
export interface DecodedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  scope: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** A local OTLP/HTTP collector stand-in on 127.0.0.1 and an ephemeral port. */
export interface OtlpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Every span of every request received so far. */
  spans(): DecodedSpan[];
  close(): Promise<void>;
}

/** Starts a receiver that answers 200 to everything and keeps what it got. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      const json = String(req.headers["content-type"] ?? "").includes("json");
      res.writeHead(200, { "content-type": json ? "application/json" : "application/x-protobuf" });
      res.end(json ? "{}" : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap(decodeRequest),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port that was free a moment ago). */
export async function deadEndpoint(): Promise<string> {
  const receiver = await startOtlpReceiver();
  await receiver.close();
  return receiver.url;
}

function decodeRequest(request: ReceivedRequest): DecodedSpan[] {
  const type = String(request.headers["content-type"] ?? "");
  if (type.includes("json")) return decodeJson(JSON.parse(request.body.toString("utf8")));
  if (type.includes("protobuf")) return decodeProtobuf(request.body);
  return [];
}

// ---- OTLP JSON -------------------------------------------------------------------------

interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}
type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
};

function jsonValue(v: JsonAnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(jsonValue);
  return undefined;
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));
}

function decodeJson(body: {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: JsonKeyValue[] }[];
    }[];
  }[];
}): DecodedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        name: s.name,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? "",
        scope: ss.scope?.name ?? "",
        attributes: jsonAttributes(s.attributes),
        resource: jsonAttributes(rs.resource?.attributes),
      })),
    ),
  );
}

// ---- OTLP protobuf: just enough of the wire format to read spans ------------------------

interface Field {
  no: number;
  wire: number;
  bytes?: Buffer;
  int?: bigint;
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, int: varint() });
    else if (wire === 1) {
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      const len = Number(varint());
      out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === 5) {
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const sub = (fs: Field[], no: number) => fs.filter((f) => f.no === no && f.bytes).map((f) => f.bytes!);
const str = (fs: Field[], no: number) => sub(fs, no)[0]?.toString("utf8") ?? "";
const hex = (fs: Field[], no: number) => sub(fs, no)[0]?.toString("hex") ?? "";

function anyValue(buf: Buffer): unknown {
  const [f] = fields(buf);
  if (f === undefined) return undefined;
  switch (f.no) {
    case 1:
      return f.bytes!.toString("utf8");
    case 2:
      return f.int !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, f.int!));
    case 4:
      return f.bytes!.readDoubleLE(0);
    case 5:
      return sub(fields(f.bytes!), 1).map(anyValue);
    default:
      return undefined;
  }
}

function attributes(bufs: Buffer[]): Record<string, unknown> {
  return Object.fromEntries(
    bufs.map((b) => {
      const kv = fields(b);
      const value = sub(kv, 2)[0];
      return [str(kv, 1), value === undefined ? undefined : anyValue(value)];
    }),
  );
}

function decodeProtobuf(body: Buffer): DecodedSpan[] {
  return sub(fields(body), 1).flatMap((resourceSpans) => {
    const rs = fields(resourceSpans);
    const resourceBuf = sub(rs, 1)[0];
    const resource = resourceBuf ? attributes(sub(fields(resourceBuf), 1)) : {};
    return sub(rs, 2).flatMap((scopeSpans) => {
      const ss = fields(scopeSpans);
      const scopeBuf = sub(ss, 1)[0];
      const scope = scopeBuf ? str(fields(scopeBuf), 1) : "";
      return sub(ss, 2).map((spanBuf) => {
        const s = fields(spanBuf);
        return {
          name: str(s, 5),
          traceId: hex(s, 1),
          spanId: hex(s, 2),
          parentSpanId: hex(s, 4),
          scope,
          attributes: attributes(sub(s, 9)),
          resource,
        };
      });
    });
  });
}
