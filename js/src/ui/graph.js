// The graph drawing: lays the DOT out once per graph (Graphviz in WebAssembly, from loadViz), then
// follows the run by setting attributes only (data-status, visit badges, the path taken). Every name
// comes from the kernel and is set with textContent/setAttribute, never parsed as markup.
//
// Labels fit their boxes whatever fonts the page has: Graphviz estimates text widths with its own
// font tables, the page draws with its own font. Before the real layout, a JSON layout gives
// Graphviz's estimates; each label is measured with canvas measureText in the page's font, nodes
// whose labels are wider get a larger `width` (appended to the DOT as node statements on safe ids),
// and edge labels that would still be wider are fitted to the space Graphviz kept for them.

const SVG_NS = "http://www.w3.org/2000/svg";
export const STATUSES = ["idle", "running", "retrying", "done", "failed", "cancelled"];
const KNOWN = new Set(STATUSES);
const END = "__end__";
const MARKERS = { start: "start", end: "end" };
const PAD = 6; // points of air around a measured label

let canvas = null;
function measurer(font) {
  canvas ??= document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  return (text, size) => {
    ctx.font = `${size}px ${font}`;
    return ctx.measureText(text).width;
  };
}

// Graphviz's own width estimate and the page's width of every label of the drawing.
function labelMetrics(json, measure) {
  const nodes = [];
  const edges = new Map();
  const walk = (ops, record) => {
    let size = 14;
    let est = 0;
    let real = 0;
    for (const op of ops || []) {
      if (op.op === "F") size = op.size;
      else if (op.op === "T") {
        est = Math.max(est, op.width);
        real = Math.max(real, measure(op.text, size));
      }
    }
    if (real > 0) record(est, real);
  };
  for (const obj of json.objects || []) {
    walk(obj._ldraw_, (est, real) => nodes.push({ id: obj.name, est, real, width: +obj.width, shape: obj.shape }));
  }
  for (const edge of json.edges || []) {
    const id = String(edge.class || "").split(/\s+/).find((c) => /^e\d+$/.test(c));
    if (id) walk(edge._ldraw_, (est, real) => edges.set(id, { est, real }));
  }
  return { nodes, edges };
}

// The DOT with wider nodes where the page's font needs them (ids are n0, n1, ...: safe to write).
function widened(dot, nodes) {
  const lines = [];
  for (const n of nodes) {
    if (n.real + PAD <= n.est || !/^[A-Za-z0-9_]+$/.test(n.id)) continue;
    const grow = n.shape === "diamond" ? 2 : 1;
    const width = n.width + (grow * (n.real + PAD - n.est)) / 72;
    lines.push(`${n.id} [width=${width.toFixed(3)}]`);
  }
  if (!lines.length) return dot;
  const close = dot.lastIndexOf("}");
  return `${dot.slice(0, close)}${lines.join("\n")}\n}`;
}

export async function layoutGraph(viz, dot, font) {
  if (document.fonts && document.fonts.ready) await document.fonts.ready;
  const measure = measurer(font);
  const metrics = labelMetrics(viz.renderJSON(dot), measure);
  const svg = viz.renderSVGElement(widened(dot, metrics.nodes));
  for (const group of svg.querySelectorAll("g.edge")) {
    const id = [...group.classList].find((c) => metrics.edges.has(c));
    const m = id && metrics.edges.get(id);
    if (!m || m.real <= m.est) continue;
    for (const text of group.querySelectorAll(":scope > text")) {
      text.setAttribute("textLength", String(m.est));
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  return svg;
}

// Bounding box of a Graphviz node shape from its geometry attributes (works before the SVG is
// attached to the document, unlike getBBox).
export function shapeBox(group) {
  const xs = [];
  const ys = [];
  for (const shape of group.children) {
    const tag = shape.localName;
    if (tag === "ellipse") {
      const cx = +shape.getAttribute("cx");
      const cy = +shape.getAttribute("cy");
      const rx = +shape.getAttribute("rx");
      const ry = +shape.getAttribute("ry");
      xs.push(cx - rx, cx + rx);
      ys.push(cy - ry, cy + ry);
    } else if (tag === "polygon" || tag === "path" || tag === "polyline") {
      const raw = shape.getAttribute(tag === "path" ? "d" : "points") || "";
      const nums = raw.match(/-?\d*\.?\d+(?:e-?\d+)?/gi) || [];
      for (let i = 0; i + 1 < nums.length; i += 2) {
        xs.push(+nums[i]);
        ys.push(+nums[i + 1]);
      }
    }
  }
  if (!xs.length) return null;
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}

export function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function setTitle(group, text) {
  let title = group.querySelector(":scope > title");
  if (!title) {
    title = svgEl("title", {});
    group.prepend(title);
  }
  title.textContent = text;
}

// The drawn SVG, indexed by node name and edge id, with the run's picture applied to it.
export class Drawing {
  constructor(svg, layout) {
    this.svg = svg;
    this.nodes = new Map(); // name -> { group, badge }
    this.edges = new Map(); // id -> group
    this.notes = { calls: new Map(), progress: new Map(), sends: new Map() }; // texts beside them (ui/notes.js)
    this.junctions = new Map(); // edge id -> the join's junction it leads into
    this.joinOuts = new Map(); // junction id -> the group of its one edge on to the join's target
    svg.setAttribute("class", "dl-svg");
    const names = layout.nodes || {};
    const joins = layout.joins || {};
    for (const group of svg.querySelectorAll("g.node")) {
      const id = group.querySelector(":scope > title")?.textContent ?? "";
      if (Object.hasOwn(names, id)) {
        const name = names[id];
        group.setAttribute("data-node", name);
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        setTitle(group, name);
        this.nodes.set(name, { group, badge: this.makeBadge(group) });
      } else if (Object.hasOwn(MARKERS, id)) {
        group.setAttribute("data-marker", MARKERS[id]);
        setTitle(group, id.toUpperCase());
      } else if (Object.hasOwn(joins, id)) {
        group.setAttribute("data-join", id); // a join's junction: its target waits for all its sources
        setTitle(group, joins[id]);
      }
    }
    const byId = new Map((layout.edges || []).map((e) => [e.id, e]));
    for (const group of svg.querySelectorAll("g.edge.dl-join-out")) {
      const junction = [...group.classList].find((c) => Object.hasOwn(joins, c));
      if (junction) this.joinOuts.set(junction, group);
    }
    for (const group of svg.querySelectorAll("g.edge")) {
      const info = [...group.classList].map((c) => byId.get(c)).find(Boolean);
      if (!info) continue;
      group.setAttribute("data-edge", info.id);
      group.setAttribute("data-source", info.source);
      group.setAttribute("data-target", info.target);
      if (info.key !== null && info.key !== undefined) group.setAttribute("data-decision", info.key);
      const target = info.target === END ? "END" : info.target;
      const title = info.key == null ? `${info.source} → ${target}` : `${info.source} → ${target} [${info.key}]`;
      if (info.join) group.setAttribute("data-join", "true");
      if (info.junction) this.junctions.set(info.id, info.junction);
      setTitle(group, info.join ? `${title}: ${info.join}` : title);
      this.edges.set(info.id, group);
    }
  }

  // [name, group] of every drawn node (what ui/notes.js draws beside).
  nodeGroups() {
    return [...this.nodes].map(([name, entry]) => [name, entry.group]);
  }

  makeBadge(group) {
    const box = shapeBox(group);
    if (!box) return null;
    const badge = svgEl("g", { class: "dl-badge", transform: `translate(${box.x2} ${box.y1})` });
    badge.style.display = "none";
    const rect = svgEl("rect", { x: -10, y: -8, width: 20, height: 16, rx: 8, ry: 8 });
    const text = svgEl("text", { x: 0, y: 3.5, "text-anchor": "middle", "font-size": 10 });
    badge.append(rect, text);
    group.appendChild(badge);
    return { badge, rect, text };
  }

  // picture: {status: {name: s}, visits: {name: n}, path: {edgeId: times}, last: edgeId, selected: name}
  apply(picture) {
    const status = picture.status || {};
    const visits = picture.visits || {};
    const selected = picture.selected || "";
    for (const [name, entry] of this.nodes) {
      const value = KNOWN.has(status[name]) ? status[name] : "idle";
      const count = Number.isFinite(visits[name]) ? visits[name] : 0;
      const group = entry.group;
      if (group.getAttribute("data-status") !== value) group.setAttribute("data-status", value);
      group.setAttribute("data-visits", String(count));
      group.setAttribute("aria-label", count > 1 ? `${name}: ${value}, ${count} visits` : `${name}: ${value}`);
      if (name === selected) group.setAttribute("data-selected", "true");
      else group.removeAttribute("data-selected");
      this.setBadge(entry, count);
    }
    const path = picture.path || {};
    for (const [id, group] of this.edges) {
      const times = Number.isFinite(path[id]) ? path[id] : 0;
      if (times > 0) {
        group.setAttribute("data-path", "true");
        group.setAttribute("data-times", String(times));
      } else {
        group.removeAttribute("data-path");
        group.removeAttribute("data-times");
      }
      if (id === picture.last) group.setAttribute("data-taken", "true");
      else group.removeAttribute("data-taken");
    }
    const fired = new Set([...this.junctions].filter(([id]) => path[id] > 0).map(([, junction]) => junction));
    for (const [junction, group] of this.joinOuts) {
      if (fired.has(junction)) group.setAttribute("data-path", "true"); // the join fired: its edge on was taken
      else group.removeAttribute("data-path");
    }
    if (picture.heat) this.applyHeat(picture.heat);
  }

  // A batch's heatmap (BatchView): heat = {measure, nodes: {name: {levels: {measure: 0..5}, title}},
  // edges: {id: {count, weight: 1..5}}}; the numbers go into each <title> (shown on hover).
  applyHeat(heat) {
    const nodes = heat.nodes || {};
    for (const [name, entry] of this.nodes) {
      const info = nodes[name];
      const level = info && info.levels ? info.levels[heat.measure] : undefined;
      entry.group.setAttribute("data-heat", String(Number.isFinite(level) ? level : 0));
      setTitle(entry.group, info ? info.title : `${name}: not run`);
    }
    const edges = heat.edges || {};
    for (const [id, group] of this.edges) {
      const info = edges[id];
      if (info) {
        group.setAttribute("data-count", String(info.count));
        group.setAttribute("data-weight", String(info.weight));
      } else {
        group.removeAttribute("data-count");
        group.removeAttribute("data-weight");
      }
      const title = group.querySelector(":scope > title");
      const base = (title?.textContent || "").replace(/: taken \d+ times?$/, "");
      setTitle(group, info ? `${base}: taken ${info.count} time${info.count === 1 ? "" : "s"}` : base);
    }
  }

  setBadge(entry, visits) {
    if (!entry.badge) return;
    const { badge, rect, text } = entry.badge;
    if (visits > 1) {
      const label = `×${visits}`;
      if (text.textContent !== label) {
        text.textContent = label;
        const width = Math.max(20, 6.2 * label.length + 8);
        rect.setAttribute("x", String(-width / 2));
        rect.setAttribute("width", String(width));
      }
      badge.style.display = "";
    } else {
      badge.style.display = "none";
    }
  }
}
