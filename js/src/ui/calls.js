// Model calls in the LabView: the messages a node's model was sent (by role, long ones folded), the
// text it is streaming (growing as tokens arrive), and per-node totals drawn under the graph's nodes.
// The kernel sends all of it as view-model JSON (lab/model/viewmodel.py: "message" and "stream"
// blocks, picture.calls); every text is set as a text node (Preact/htm, textContent), never parsed.
import { h } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";
import { shapeBox } from "./graph.js";
import { drawNotes } from "./notes.js";

const html = htm.bind(h);
const STICK_PX = 24; // a stream scrolled to within this of its end follows the text as it grows

// One message sent to the model: role and size always shown, the text folded when the kernel says it is long.
// `Cell` renders a (possibly clipped) text with its "show all" button (widget.js owns the full-text fetch).
export function Message({ message, full, Cell }) {
  const [open, setOpen] = useState(Boolean(message.open));
  useEffect(() => setOpen(Boolean(message.open)), [message.open, message.size, message.role]);
  return html`<details class="dl-msg" data-role=${message.role} open=${open}
    onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary><span class="dl-role">${message.role}</span>${" "}<span class="dl-size">${message.size}</span></summary>
    ${open && html`<pre class="dl-pre"><${Cell} cell=${message.text} full=${full} /></pre>`}
  </details>`;
}

// The text a model is streaming for one field: its newest end, kept in view while it grows
// (unless the reader scrolled up to read).
export function StreamText({ stream }) {
  const pre = useRef(null);
  const stuck = useRef(true);
  useEffect(() => {
    const el = pre.current;
    if (el && stuck.current) el.scrollTop = el.scrollHeight;
  }, [stream.text]);
  const onScroll = (e) => {
    const el = e.currentTarget;
    stuck.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  };
  return html`<div class="dl-stream-box">
    <div class="dl-stream-head">${stream.field}${stream.live ? " · streaming…" : ""}</div>
    <pre class="dl-pre dl-stream" ref=${pre} onScroll=${onScroll} data-field=${stream.field}
      data-live=${stream.live ? "true" : "false"}>${stream.text}</pre>
  </div>`;
}

// The run's model-call totals in the toolbar.
export function RunCalls({ text }) {
  if (!text) return null;
  return html`<span class="dl-run-calls" title=${text}>${text}</span>`;
}

// Per-node totals under each node that called a model (picture.calls: name -> {calls, label, hint}): the node
// gets data-calls and a g.dl-calls > text just right of its bottom centre, where an outgoing edge usually leaves.
export function drawCallTotals(drawing, calls) {
  drawNotes(drawing.nodeGroups(), drawing.notes.calls, calls, {
    cls: "dl-calls", attr: "data-calls",
    place: (group) => {
      const box = shapeBox(group);
      return box && { x: (box.x1 + box.x2) / 2 + 5, y: box.y2 + 10, anchor: "start" };
    },
    show: (info) => ({ value: info.calls, label: String(info.label ?? ""), hint: String(info.hint ?? "") }),
  });
}
