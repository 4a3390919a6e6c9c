/**
 * The campaign as a picture: the topology drawn once per configuration, each agent coloured
 * by how often it was infected, the seed outlined, guarded nodes ringed. Plain SVG, no
 * dependency; convert it to PNG with any SVG renderer (e.g. `rsvg-convert`).
 */
import type { CampaignReport, CampaignRow } from "./campaign-types.js";
import { parseOptions } from "../internal/options-schema.js";
import { RenderSvgOptionsSchema } from "./chaos-options.js";

/** Options of {@link renderCampaignSvg}. */
export interface RenderSvgOptions {
  /** Which rows to draw. @default every row, up to `maxPanels` */
  rows?: (row: CampaignRow) => boolean;
  /** Most panels drawn. @default 12 */
  maxPanels?: number;
  /** A title. @default "firebreak chaos campaign" */
  title?: string;
  /** A note under the title (e.g. "scripted agents"). @default none */
  note?: string;
}

const PANEL_W = 340;
const PANEL_H = 330;
const MARGIN = 16;
const HEADER = 70;
const LEGEND = 56;

/**
 * Renders a campaign report as SVG: one panel per configuration (grouped by seed target in
 * rows and guard mode in columns), nodes coloured by infection frequency.
 *
 * @example
 * ```ts
 * writeFileSync("campaign.svg", renderCampaignSvg(report, { note: "scripted agents" }));
 * ```
 */
export function renderCampaignSvg(report: CampaignReport, options: RenderSvgOptions = {}): string {
  options = parseOptions(RenderSvgOptionsSchema, options, "renderCampaignSvg");
  const rows = report.rows.filter(options.rows ?? (() => true)).slice(0, options.maxPanels ?? 12);
  const groups = [...new Set(rows.map((r) => `${r.model}\u0000${r.fault}\u0000${r.target}`))];
  const modes = [...new Set(rows.map((r) => r.guard))];
  const cols = Math.max(1, modes.length);
  const width = MARGIN * 2 + cols * PANEL_W;
  const height = HEADER + groups.length * PANEL_H + LEGEND + MARGIN;
  const layout = layoutNodes(report);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a8f98"/></marker>`,
    `<linearGradient id="heat" x1="0" x2="1" y1="0" y2="0">${[0, 0.5, 1].map((t) => `<stop offset="${t * 100}%" stop-color="${heat(t)}"/>`).join("")}</linearGradient></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="30" font-size="20" font-weight="bold" fill="#1d2330">${esc(options.title ?? "firebreak chaos campaign")}</text>`,
    `<text x="${MARGIN}" y="52" font-size="12.5" fill="#4a5160">${esc(
      [
        options.note,
        `${report.params.trials} trials per configuration`,
        report.params.seed !== null ? `seed ${report.params.seed}` : undefined,
        `recommended guards: ${report.recommended.join(", ") || "none"}`,
      ]
        .filter(Boolean)
        .join(" · "),
    )}</text>`,
  );
  rows.forEach((row) => {
    const g = groups.indexOf(`${row.model}\u0000${row.fault}\u0000${row.target}`);
    const c = modes.indexOf(row.guard);
    out.push(panel(row, report, layout, MARGIN + c * PANEL_W, HEADER + g * PANEL_H));
  });
  out.push(legend(MARGIN, HEADER + groups.length * PANEL_H + 10));
  out.push("</svg>");
  return out.join("\n");
}

interface Layout {
  readonly pos: ReadonlyMap<string, { x: number; y: number }>;
  readonly radius: number;
}

/** Circular layout; a hub connected to at least half the nodes goes in the middle. */
function layoutNodes(report: CampaignReport): Layout {
  const ids = report.topology.nodes.map((n) => n.id);
  const n = ids.length;
  const neighbours = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  for (const e of report.topology.edges) {
    if (e.source === e.target) continue;
    neighbours.get(e.source)?.add(e.target);
    neighbours.get(e.target)?.add(e.source);
  }
  const byDegree = [...ids].sort((a, b) => neighbours.get(b)!.size - neighbours.get(a)!.size || a.localeCompare(b));
  const centre = n >= 4 && neighbours.get(byDegree[0]!)!.size >= (n - 1) / 2 ? byDegree[0]! : undefined;
  const ring = ids.filter((id) => id !== centre);
  const pos = new Map<string, { x: number; y: number }>();
  if (centre !== undefined) pos.set(centre, { x: 0, y: 0 });
  ring.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ring.length);
    pos.set(id, ring.length === 1 && centre === undefined ? { x: 0, y: 0 } : { x: Math.cos(angle), y: Math.sin(angle) });
  });
  return { pos, radius: Math.max(9, Math.min(20, 90 / Math.sqrt(Math.max(1, n)))) };
}

function panel(row: CampaignRow, report: CampaignReport, layout: Layout, x0: number, y0: number): string {
  const cx = x0 + PANEL_W / 2;
  const cy = y0 + 58 + (PANEL_H - 70) / 2;
  const R = Math.min(PANEL_W, PANEL_H - 70) / 2 - layout.radius - 18;
  const at = (id: string) => {
    const p = layout.pos.get(id)!;
    return { x: cx + p.x * R, y: cy + p.y * R };
  };
  const guarded = new Set(Array.isArray(row.guardedNodes) ? (row.guardedNodes as readonly string[]) : []);
  const seeds = new Set(row.targetNodes);
  const r = layout.radius;
  const parts: string[] = [];
  parts.push(
    `<g>`,
    `<rect x="${x0 + 4}" y="${y0 + 4}" width="${PANEL_W - 8}" height="${PANEL_H - 8}" rx="10" fill="#f8f9fb" stroke="#dde1e8"/>`,
    `<text x="${x0 + 16}" y="${y0 + 26}" font-size="13.5" font-weight="bold" fill="#1d2330">${esc(`seed ${row.target}${row.targetNodes.length === 1 && row.targetNodes[0] !== row.target ? ` (${row.targetNodes[0]})` : ""} · ${guardLabel(row)}`)}</text>`,
    `<text x="${x0 + 16}" y="${y0 + 44}" font-size="11.5" fill="#4a5160">${esc(
      `${row.fault} · infection ${pct(row.infectionRate)} · final ${pct(row.finalInfection)} · ` +
        (row.guard === "unguarded" ? `safe ${pct(row.safeCompletion)}` : `defence ${pct(row.defenceSuccess)}`),
    )}</text>`,
  );
  const edgeSet = new Set(report.topology.edges.map((e) => `${e.source}\u0000${e.target}`));
  for (const e of report.topology.edges) {
    if (!layout.pos.has(e.source) || !layout.pos.has(e.target)) continue;
    const a = at(e.source);
    const b = at(e.target);
    if (e.source === e.target) {
      parts.push(`<path d="M${a.x - r * 0.6},${a.y - r * 0.8} C${a.x - r * 2},${a.y - r * 3} ${a.x + r * 2},${a.y - r * 3} ${a.x + r * 0.6},${a.y - r * 0.8}" fill="none" stroke="#8a8f98" stroke-width="1.2" marker-end="url(#arrow)"/>`);
      continue;
    }
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    // Two edges between the same pair bend apart so both arrows show.
    const bend = edgeSet.has(`${e.target}\u0000${e.source}`) ? 10 : 0;
    const sx = a.x + ux * (r + 2) - uy * bend * 0.4;
    const sy = a.y + uy * (r + 2) + ux * bend * 0.4;
    const tx = b.x - ux * (r + 4) - uy * bend * 0.4;
    const ty = b.y - uy * (r + 4) + ux * bend * 0.4;
    const mx = (sx + tx) / 2 - uy * bend;
    const my = (sy + ty) / 2 + ux * bend;
    parts.push(`<path d="M${f(sx)},${f(sy)} Q${f(mx)},${f(my)} ${f(tx)},${f(ty)}" fill="none" stroke="#8a8f98" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  for (const node of report.topology.nodes) {
    const p = at(node.id);
    const share = row.nodeInfection[node.id];
    const fill = share === undefined ? "#ffffff" : heat(share);
    if (guarded.has(node.id)) {
      parts.push(`<circle cx="${f(p.x)}" cy="${f(p.y)}" r="${r + 5}" fill="none" stroke="#1f6fd1" stroke-width="2.5" stroke-dasharray="4 2"/>`);
    }
    parts.push(
      `<circle cx="${f(p.x)}" cy="${f(p.y)}" r="${r}" fill="${fill}" stroke="${seeds.has(node.id) ? "#111111" : "#6b7280"}" stroke-width="${seeds.has(node.id) ? 3.5 : 1.2}"${share === undefined ? ' stroke-dasharray="2 2"' : ""}/>`,
      label(node.id, p, { x: cx, y: cy }, r),
    );
    if (share !== undefined) {
      parts.push(`<text x="${f(p.x)}" y="${f(p.y + 3.5)}" font-size="${r >= 14 ? 9.5 : 8}" text-anchor="middle" fill="${share > 0.6 ? "#ffffff" : "#1d2330"}">${Math.round(share * 100)}</text>`);
    }
  }
  parts.push(`</g>`);
  return parts.join("\n");
}

function legend(x: number, y: number): string {
  return [
    `<g font-size="11.5" fill="#4a5160">`,
    `<text x="${x}" y="${y + 12}">infected in % of trials where the fault fired</text>`,
    `<rect x="${x}" y="${y + 20}" width="180" height="12" fill="url(#heat)" stroke="#c7ccd4"/>`,
    `<text x="${x}" y="${y + 46}">0</text><text x="${x + 180}" y="${y + 46}" text-anchor="end">100</text>`,
    `<circle cx="${x + 230}" cy="${y + 26}" r="9" fill="#ffffff" stroke="#111111" stroke-width="3.5"/><text x="${x + 245}" y="${y + 30}">seed (where the fault was injected)</text>`,
    `<circle cx="${x + 470}" cy="${y + 26}" r="11" fill="none" stroke="#1f6fd1" stroke-width="2.5" stroke-dasharray="4 2"/><text x="${x + 487}" y="${y + 30}">guarded (BICR)</text>`,
    `</g>`,
  ].join("\n");
}

function guardLabel(row: CampaignRow): string {
  if (row.guard === "random") return `random ×${String(row.guardedNodes)}`;
  return row.guard;
}

/** A node's name outside the ring (below the centre node), with a halo so edges never hide it. */
function label(id: string, p: { x: number; y: number }, centre: { x: number; y: number }, r: number): string {
  const dx = p.x - centre.x;
  const dy = p.y - centre.y;
  const len = Math.hypot(dx, dy);
  let x = p.x;
  let y = p.y + r + 13;
  let anchor = "middle";
  if (len > 1) {
    const ux = dx / len;
    const uy = dy / len;
    x = p.x + ux * (r + 6);
    y = p.y + uy * (r + 6) + 4 + (uy > 0.5 ? 6 : uy < -0.5 ? -4 : 0);
    anchor = ux > 0.35 ? "start" : ux < -0.35 ? "end" : "middle";
  }
  return `<text x="${f(x)}" y="${f(y)}" font-size="10.5" text-anchor="${anchor}" fill="#1d2330" stroke="#f8f9fb" stroke-width="3" paint-order="stroke">${esc(short(id))}</text>`;
}

/** White → amber → red. */
function heat(t: number): string {
  const stops = [
    [247, 247, 247],
    [253, 174, 97],
    [215, 48, 39],
  ] as const;
  const x = Math.max(0, Math.min(1, t)) * 2;
  const i = Math.min(1, Math.floor(x));
  const k = x - i;
  const c = stops[i]!.map((v, j) => Math.round(v + (stops[i + 1]![j]! - v) * k));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function short(id: string): string {
  return id.length > 14 ? `${id.slice(0, 13)}…` : id;
}

function f(v: number): string {
  return v.toFixed(1);
}

function esc(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
