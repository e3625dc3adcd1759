// Parallel runs on the graph and in the node tab: a mapped node's "3/5 done" (its instances' statuses on
// hover), a router's map edge marked "Send ×N", and the node tab's list of a map's instances (a click
// selects one). The kernel sends it all as view-model JSON (lab/model/viewmodel.py: picture.progress,
// picture.sends, "instances" blocks); every text is set as a text node, never parsed.
import { h } from "preact";
import htm from "htm";
import { shapeBox } from "./graph.js";
import { drawNotes } from "./notes.js";

const html = htm.bind(h);

// picture.progress: name -> {text: "3/5", hint}; the node gets data-progress and a g.dl-progress > text "3/5 done"
// under it, left of centre (a node's model-call totals are right of it), its <title> each instance's status.
export function drawProgress(drawing, progress) {
  drawNotes(drawing.nodeGroups(), drawing.notes.progress, progress, {
    cls: "dl-progress", attr: "data-progress",
    place: (group) => {
      const box = shapeBox(group);
      return box && { x: (box.x1 + box.x2) / 2 - 5, y: box.y2 + 10, anchor: "end" };
    },
    show: (info) => ({ value: info.text, label: `${info.text} done`, hint: String(info.hint ?? "") }),
  });
}

// picture.sends: edge id -> instances the router's latest map started on it; the edge gets data-sends and a
// g.dl-sends > text "Send ×N" by its arrowhead.
export function drawSends(drawing, sends) {
  drawNotes(drawing.edges, drawing.notes.sends, sends, {
    cls: "dl-sends", attr: "data-sends",
    place: (group) => {
      const box = shapeBox({ children: [...group.children].filter((c) => c.localName === "polygon") }); // not the line
      return box && { x: box.x2 + 4, y: box.y1, anchor: "start" };
    },
    show: (n, group) => {
      const ends = `${group.getAttribute("data-source") ?? ""} → ${group.getAttribute("data-target") ?? ""}`;
      return { value: n, label: `Send ×${n}`, hint: `${ends}: ${n} instance${n === 1 ? "" : "s"} started by the router's latest Send map` };
    },
  });
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
