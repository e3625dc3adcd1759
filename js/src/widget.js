// GraphView front end: lays out the DOT with Graphviz (WebAssembly, @viz-js/viz) once per
// graph, then follows the run by setting attributes only (data-status, visit badges, the
// taken edge). All names come from the model and are set with textContent/setAttribute.
//
// Markup contract (browser tests rely on it):
//   .dspyer-graphview[data-run-state]                         the widget root
//   g.node[data-node="<name>"][data-status][data-visits]      one per graph node; <title> = name
//   g.node[data-marker="start" | "end"]                       the START point and END terminal
//   g.edge[data-edge="e<i>"][data-source][data-target][data-decision?][data-taken?]
import { instance } from "@viz-js/viz";

const SVG_NS = "http://www.w3.org/2000/svg";
const STATUSES = new Set(["idle", "running", "retrying", "done", "failed"]);
const END = "__end__";
const MARKERS = { start: "start", end: "end" };

let vizPromise = null;
function getViz() {
  vizPromise ??= instance();
  return vizPromise;
}

// Bounding box of a Graphviz node shape from its geometry attributes (works before the SVG is
// attached to the document, unlike getBBox).
function shapeBox(group) {
  let xs = [];
  let ys = [];
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

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function makeBadge(group) {
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

function setBadge(entry, visits) {
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

function setTitle(group, text) {
  let title = group.querySelector(":scope > title");
  if (!title) {
    title = svgEl("title", {});
    group.prepend(title);
  }
  title.textContent = text;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "dspyer-graphview";
  const stage = document.createElement("div");
  stage.className = "dl-stage";
  const caption = document.createElement("div");
  caption.className = "dl-caption";
  root.append(stage, caption);
  el.appendChild(root);

  let nodes = new Map(); // name -> { group, badge }
  let edges = []; // { group, id }
  let takenEdge = null;
  let generation = 0;

  function applyStatus() {
    const status = model.get("node_status") || {};
    for (const [name, entry] of nodes) {
      const value = STATUSES.has(status[name]) ? status[name] : "idle";
      if (entry.group.getAttribute("data-status") !== value) {
        entry.group.setAttribute("data-status", value);
        entry.group.setAttribute("aria-label", `${name}: ${value}`);
      }
    }
  }

  function applyVisits() {
    const visits = model.get("node_visits") || {};
    for (const [name, entry] of nodes) {
      const count = Number.isFinite(visits[name]) ? visits[name] : 0;
      entry.group.setAttribute("data-visits", String(count));
      setBadge(entry, count);
    }
  }

  function applyEdge() {
    const id = (model.get("last_edge") || {}).edge;
    const match = edges.find((e) => e.id === id) || null;
    if (match === takenEdge) return;
    if (takenEdge) takenEdge.group.removeAttribute("data-taken");
    if (match) match.group.setAttribute("data-taken", "true");
    takenEdge = match;
  }

  function applySelected() {
    const selected = model.get("selected_node");
    for (const [name, entry] of nodes) {
      if (name === selected) entry.group.setAttribute("data-selected", "true");
      else entry.group.removeAttribute("data-selected");
    }
  }

  function applyRunState() {
    const state = model.get("run_state") || "idle";
    root.setAttribute("data-run-state", state);
    caption.textContent = state === "idle" ? "" : state;
  }

  function index(svg, map) {
    const names = map.nodes || {};
    nodes = new Map();
    for (const group of svg.querySelectorAll("g.node")) {
      const id = group.querySelector(":scope > title")?.textContent ?? "";
      if (Object.hasOwn(names, id)) {
        const name = names[id];
        group.setAttribute("data-node", name);
        group.setAttribute("tabindex", "0");
        group.setAttribute("role", "button");
        setTitle(group, name);
        nodes.set(name, { group, badge: makeBadge(group) });
      } else if (Object.hasOwn(MARKERS, id)) {
        group.setAttribute("data-marker", MARKERS[id]);
        setTitle(group, id.toUpperCase());
      }
    }
    const byId = new Map((map.edges || []).map((e) => [e.id, e]));
    edges = [];
    takenEdge = null;
    for (const group of svg.querySelectorAll("g.edge")) {
      const info = [...group.classList].map((c) => byId.get(c)).find(Boolean);
      if (!info) continue;
      group.setAttribute("data-edge", info.id);
      group.setAttribute("data-source", info.source);
      group.setAttribute("data-target", info.target);
      if (info.key !== null && info.key !== undefined) group.setAttribute("data-decision", info.key);
      const target = info.target === END ? "END" : info.target;
      setTitle(group, info.key == null ? `${info.source} → ${target}` : `${info.source} → ${target} [${info.key}]`);
      edges.push({ group, id: info.id });
    }
  }

  async function layout() {
    const gen = ++generation;
    const dot = model.get("dot");
    if (!dot) {
      stage.replaceChildren();
      nodes = new Map();
      edges = [];
      takenEdge = null;
      return;
    }
    let svg;
    try {
      const viz = await getViz();
      if (gen !== generation) return;
      svg = viz.renderSVGElement(dot);
    } catch (err) {
      if (gen !== generation) return;
      const message = document.createElement("pre");
      message.className = "dl-error";
      message.textContent = `Could not lay out the graph: ${err && err.message ? err.message : err}`;
      stage.replaceChildren(message);
      return;
    }
    svg.setAttribute("class", "dl-svg");
    index(svg, model.get("_svg_map") || {});
    applyStatus();
    applyVisits();
    applyEdge();
    applySelected();
    stage.replaceChildren(svg);
  }

  function select(event) {
    const group = event.target.closest?.("g.node[data-node]");
    if (!group || !stage.contains(group)) return;
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    const name = group.getAttribute("data-node");
    model.set("selected_node", model.get("selected_node") === name ? "" : name);
    model.save_changes();
  }

  const handlers = {
    "change:dot": layout,
    "change:node_status": applyStatus,
    "change:node_visits": applyVisits,
    "change:last_edge": applyEdge,
    "change:selected_node": applySelected,
    "change:run_state": applyRunState,
  };
  for (const [name, fn] of Object.entries(handlers)) model.on(name, fn);
  stage.addEventListener("click", select);
  stage.addEventListener("keydown", select);
  applyRunState();
  const ready = layout();

  return ready.then(() => () => {
    for (const [name, fn] of Object.entries(handlers)) model.off(name, fn);
    stage.removeEventListener("click", select);
    stage.removeEventListener("keydown", select);
    generation++;
  });
}

export default { render };
