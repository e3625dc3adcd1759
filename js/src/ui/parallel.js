// Parallel runs on the graph and in the node tab: a mapped node's "3/5 done" (its instances' statuses on
// hover), a router's map edge marked "Send ×N", and the node tab's list of a map's instances (a click
// selects one). The kernel sends it all as view-model JSON (lab/model/viewmodel.py: picture.progress,
// picture.sends, "instances" blocks); every text is set as a text node, never parsed.
import { h } from "preact";
import htm from "htm";
import { shapeBox, svgEl } from "./graph.js";

const html = htm.bind(h);

// A text with its hover text appended to `group` once, at (x, y), updated in place after: g.<cls> > title + text
// (the <title> beside the text, not in it: the text's content is the label alone).
function hoverText(group, cls, x, y, anchor) {
  const text = svgEl("g", { class: cls });
  const title = svgEl("title", {});
  const label = svgEl("text", { x, y, "text-anchor": anchor, "font-size": 9 });
  text.append(title, label);
  group.appendChild(text);
  return { text, title, label };
}

function setText(entry, label, hint) {
  if (entry.label.textContent !== label) entry.label.textContent = label;
  if (entry.title.textContent !== hint) entry.title.textContent = hint;
}

// picture.progress: name -> {text: "3/5", hint}; the node gets data-progress and a g.dl-progress > text "3/5 done"
// under it, left of centre (a node's model-call totals are right of it), its <title> each instance's status.
export function drawProgress(drawing, progress) {
  const shown = progress || {};
  for (const [name, entry] of drawing.nodes) {
    const info = Object.hasOwn(shown, name) ? shown[name] : null;
    const group = entry.group;
    if (!info) {
      if (entry.progress) entry.progress.text.remove();
      entry.progress = null;
      group.removeAttribute("data-progress");
      continue;
    }
    if (!entry.progress) {
      const box = shapeBox(group);
      if (!box) continue;
      entry.progress = hoverText(group, "dl-progress", (box.x1 + box.x2) / 2 - 5, box.y2 + 10, "end");
    }
    group.setAttribute("data-progress", String(info.text));
    setText(entry.progress, `${info.text} done`, String(info.hint ?? ""));
  }
}

// picture.sends: edge id -> instances the router's latest map started on it; the edge gets data-sends and a
// g.dl-sends > text "Send ×N" by its arrowhead.
export function drawSends(drawing, sends) {
  const shown = sends || {};
  for (const [id, group] of drawing.edges) {
    const n = Object.hasOwn(shown, id) ? shown[id] : 0;
    let entry = drawing.sends.get(id);
    if (!n) {
      if (entry) entry.text.remove();
      drawing.sends.delete(id);
      group.removeAttribute("data-sends");
      continue;
    }
    if (!entry) {
      const arrowhead = { children: [...group.children].filter((c) => c.localName === "polygon") }; // not the line
      const box = shapeBox(arrowhead);
      if (!box) continue;
      entry = hoverText(group, "dl-sends", box.x2 + 4, box.y1, "start");
      drawing.sends.set(id, entry);
    }
    group.setAttribute("data-sends", String(n));
    const ends = `${group.getAttribute("data-source") ?? ""} → ${group.getAttribute("data-target") ?? ""}`;
    setText(entry, `Send ×${n}`, `${ends}: ${n} instance${n === 1 ? "" : "s"} started by the router's latest Send map`);
  }
}

// The node tab's "instances" block: one button per instance of a map (index, status, duration, failure).
export function Instances({ rows, onSelect }) {
  return html`<ul class="dl-instances">
    ${rows.map((r) => html`<li><button class="dl-instance" data-visit=${r.visit} data-status=${r.status}
      data-selected=${r.selected ? "true" : undefined} title=${r.failure || r.status}
      onClick=${() => onSelect(r.visit)}>
      <span class="dl-instance-label">${r.label}</span>${" "}<span class="dl-instance-status">${r.status}</span>
      ${r.duration && html`${" "}<span class="dl-instance-time">${r.duration}</span>`}
      ${r.failure && html`${" "}<span class="dl-instance-failure">${r.failure}</span>`}
    </button></li>`)}
  </ul>`;
}
