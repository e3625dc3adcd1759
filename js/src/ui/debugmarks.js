// The debugger's marks on the drawing (LabView only): per node two breakpoint pins, on its top-left
// corner (pause before the node: edges come in at the top) and its bottom-left corner (pause after
// it: edges leave at the bottom), drawn faintly on hover, focus or selection and solid when set; the
// node a run is paused at; for a fork, the nodes that ran in the parent before the branch (their
// outputs are in the fork's state), and a badge saying how the node's output compares with the
// parent run's. Attributes and text only (setAttribute/textContent): names never become markup.

const SVG_NS = "http://www.w3.org/2000/svg";
const WHEN = ["before", "after"];
const DIFF = {
  changed: ["≠", "output differs from the parent run's"],
  same: ["=", "same output as the parent run"],
  added: ["+", "ran only in this fork"],
  removed: ["−", "ran in the parent run after the branch, not in this fork"],
};

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function titled(group, text) {
  let title = group.querySelector(":scope > title");
  if (!title) {
    title = svgEl("title", {});
    group.prepend(title);
  }
  if (title.textContent !== text) title.textContent = text;
}

// Add the pins and the diff badge to every node of `drawing` (a Drawing of ui/graph.js), once.
export function addDebugMarks(drawing, boxOf) {
  drawing.debug = new Map();
  for (const [name, entry] of drawing.nodes) {
    const box = boxOf(entry.group);
    if (!box) continue;
    const pins = {};
    for (const when of WHEN) {
      const y = when === "before" ? box.y1 + 1 : box.y2 - 1;
      const pin = svgEl("g", { class: "dl-bp", "data-when": when, tabindex: 0, role: "button",
        transform: `translate(${box.x1 + 1} ${y})` });
      pin.append(svgEl("circle", { class: "dl-bp-hit", r: 9 }), svgEl("circle", { class: "dl-bp-dot", r: 5 }));
      entry.group.appendChild(pin);
      pins[when] = pin;
    }
    // on the right edge's middle: the visits badge holds the top-right corner, call totals sit below
    const badge = svgEl("g", { class: "dl-diff", transform: `translate(${box.x2} ${(box.y1 + box.y2) / 2})` });
    badge.append(svgEl("rect", { x: -9, y: -8, width: 18, height: 16, rx: 4, ry: 4 }),
      svgEl("text", { x: 0, y: 4, "text-anchor": "middle", "font-size": 12 }));
    badge.style.display = "none";
    entry.group.appendChild(badge);
    drawing.debug.set(name, { pins, badge });
  }
}

// picture: {paused: {node, when} | null, diff: {node: same|changed|added|removed}, inherited: [node]};
// breakpoints: {before: [names], after: [names]}; enabled: whether clicking a pin does anything.
export function applyDebugMarks(drawing, picture, breakpoints, enabled) {
  if (!drawing.debug) return;
  const paused = picture.paused || null;
  const diff = picture.diff || {};
  const inherited = new Set(picture.inherited || []);
  for (const [name, { pins, badge }] of drawing.debug) {
    const group = drawing.nodes.get(name).group;
    for (const when of WHEN) {
      const on = ((breakpoints && breakpoints[when]) || []).includes(name);
      const pin = pins[when];
      if (on) pin.setAttribute("data-on", "true");
      else pin.removeAttribute("data-on");
      pin.style.display = enabled || on ? "" : "none";
      titled(pin, `${on ? "Breakpoint: pause" : "Click to pause"} ${when} '${name}'${on ? " (click to clear)" : ""}`);
    }
    if (inherited.has(name)) group.setAttribute("data-inherited", "true");
    else group.removeAttribute("data-inherited");
    if (paused && paused.node === name) group.setAttribute("data-paused", String(paused.when));
    else group.removeAttribute("data-paused");
    const kind = Object.hasOwn(diff, name) && Object.hasOwn(DIFF, diff[name]) ? diff[name] : null;
    if (kind) {
      group.setAttribute("data-diff", kind);
      badge.querySelector("text").textContent = DIFF[kind][0];
      titled(badge, DIFF[kind][1]);
      badge.style.display = "";
    } else {
      group.removeAttribute("data-diff");
      badge.style.display = "none";
    }
  }
}

// The pin an event happened on: {node, when}, or null.
export function pinOf(event, stage) {
  const pin = event.target.closest?.("g.dl-bp[data-when]");
  const group = pin && pin.closest("g.node[data-node]");
  if (!group || !stage.contains(group)) return null;
  return { node: group.getAttribute("data-node"), when: pin.getAttribute("data-when") };
}
