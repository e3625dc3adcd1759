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

// ---- "Edit and send again" (the playground) ----------------------------------------------------------
// Drawn from `head.debug.playground` (lab/model/playground.py `Playground.json`) for the call the Calls tab
// shows: a button opening the editor ({type: "resend-editor", call, open}); the editor (raw messages, or the
// node's instructions, demos as JSON and input values as JSON) with a model picker and Send ({type: "resend",
// id, call, mode, messages | instructions, demos, inputs, model}); the original answer and the variants side
// by side, each with its verdict (passes the node's contract, or the validator's errors next to the field),
// "Use these instructions" ({type: "use-instructions", variant}) and "Fork from here with them" ({type:
// "fork-with", variant}). The kernel keeps the variants, so they survive a re-render and a new view; the
// edits stay in the page (the editor's own state) until Send. Every text is a text node.
let sends = 0;

function Verdict({ passed, errors }) {
  const n = (errors || []).length;
  return html`<div class="dl-verdict" data-pass=${passed ? "true" : "false"}>${passed
    ? "✓ passes the node's contract" : `✗ rejected: ${n} error${n === 1 ? "" : "s"}`}</div>`;
}

function Fields({ fields, Cell, full }) {
  if (!fields || !fields.length) return html`<div class="dl-note">no field could be read from the answer</div>`;
  return html`<table class="dl-table dl-pg-fields"><tbody>${fields.map((f) => html`<tr
      data-field=${f.name} data-invalid=${f.errors.length ? "true" : undefined}>
    <th scope="row">${f.name}</th>
    <td><${Cell} cell=${f.value} full=${full} />${f.errors.map((e) => html`<div class="dl-pg-field-error">${e}</div>`)}</td>
  </tr>`)}</tbody></table>`;
}

function Card({ model, pg, variant, label, Cell, full }) {
  const v = variant;
  const loose = v.errors ? v.errors.filter((e) => !(v.fields || []).some((f) => f.errors.includes(e.replace(/^- /, "")))) : [];
  return html`<div class="dl-pg-card" data-variant=${v.id ?? "original"} data-pending=${v.pending ? "true" : undefined}>
    <div class="dl-pg-card-head"><b>${label}</b>${" · "}<span class="dl-pg-model" title=${v.model}>${v.model}</span>
      ${v.id !== undefined && html`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${() => model.send({ type: "drop-variant", variant: v.id })}>✕</button>`}</div>
    ${v.pending && html`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${v.error && html`<div class="dl-edit-error" role="alert">${v.error}</div>`}
    ${v.passed !== undefined && html`<${Verdict} passed=${v.passed} errors=${v.errors} />`}
    ${v.fields && html`<${Fields} fields=${v.fields} Cell=${Cell} full=${full} />`}
    ${loose.map((e) => html`<div class="dl-pg-field-error">${e}</div>`)}
    ${v.completion !== undefined && html`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${Cell} cell=${v.completion} full=${full} /></pre></details>`}
    ${v.facts && html`<div class="dl-facts">${v.facts.join(" · ")}</div>`}
    ${v.passed !== undefined && v.id !== undefined && html`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!v.can_use || !pg.available}
        title=${v.can_use ? "Give the program's node these instructions (and demos)" : "Raw messages: no instructions to use"}
        onClick=${() => model.send({ type: "use-instructions", variant: v.id })}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!v.can_use || !pg.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${() => model.send({ type: "fork-with", variant: v.id })}>Fork from here with them</button>
    </div>`}
  </div>`;
}

function Editor({ model, pg }) {
  const start = pg.editor;
  const [mode, setMode] = useState("structured");
  const [messages, setMessages] = useState(() => start.messages.map((m) => ({ ...m })));
  const [instructions, setInstructions] = useState(start.instructions);
  const [demos, setDemos] = useState(start.demos);
  const [inputs, setInputs] = useState(() => ({ ...start.inputs }));
  const [lm, setLm] = useState("");
  const rows = (text, most) => Math.min(most, Math.max(2, String(text).split("\n").length));
  // Only what the user changed goes back (null / left out: as sent): the editor shows masked text.
  const edited = (now, was) => (now === was ? null : now);
  const send = () => model.send(mode === "messages"
    ? { type: "resend", id: ++sends, call: pg.call, mode, model: lm,
        messages: messages.map((m, i) => (m.content === start.messages[i].content ? null : m)) }
    : { type: "resend", id: ++sends, call: pg.call, mode, model: lm,
        instructions: edited(instructions, start.instructions), demos: edited(demos, start.demos),
        inputs: Object.fromEntries(Object.entries(inputs).filter(([k, v]) => v !== start.inputs[k])) });
  return html`<div class="dl-pg-editor" data-mode=${mode}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${pg.call}`} checked=${mode === "structured"}
        onChange=${() => setMode("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${pg.call}`} checked=${mode === "messages"}
        onChange=${() => setMode("messages")} /> raw messages</label>
    </div>
    ${mode === "structured" ? html`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${rows(instructions, 10)} value=${instructions}
          onInput=${(e) => setInstructions(e.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${rows(demos, 8)} value=${demos} onInput=${(e) => setDemos(e.currentTarget.value)}></textarea></label>
        ${Object.keys(inputs).map((k) => html`<label class="dl-pg-label" data-input=${k}>${k} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${rows(inputs[k], 6)} value=${inputs[k]}
          onInput=${(e) => setInputs({ ...inputs, [k]: e.currentTarget.value })}></textarea></label>`)}
      </div>`
      : html`<div class="dl-pg-messages">${messages.map((m, i) => html`<label class="dl-pg-label" data-role=${m.role}>
        ${m.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${rows(m.content, 12)}
          value=${m.content} onInput=${(e) => setMessages(messages.map((old, j) =>
            (j === i ? { ...old, content: e.currentTarget.value } : old)))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${lm}
        onChange=${(e) => setLm(e.currentTarget.value)}>
        ${pg.models.map((m) => html`<option value=${m.value}>${m.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!pg.available} title=${pg.why || "Send this call to the model"}
        onClick=${send}>Send</button>
    </div>
    ${pg.error && html`<div class="dl-edit-error" role="alert">${pg.error}</div>`}
  </div>`;
}

export function Playground({ model, pg, Cell, full }) {
  if (!pg) return null;
  const open = Boolean(pg.editing && pg.editor);
  const toggle = () => model.send({ type: "resend-editor", call: pg.call, open: !open });
  return html`<div class="dl-pg" data-call=${pg.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${open ? "true" : "false"} disabled=${pg.available === false && !open}
        title=${pg.why || "Edit this call and send it again"} onClick=${toggle}>${open ? "Close the editor" : "✎ Edit and send again"}</button>
      ${pg.version && html`<span class="dl-pg-version" title=${pg.version}>${pg.version}</span>`}
    </div>
    ${open && html`<${Editor} key=${pg.call} model=${model} pg=${pg} />`}
    ${pg.original && (open || pg.variants.length > 0) && html`<div class="dl-pg-variants">
      <${Card} model=${model} pg=${pg} variant=${pg.original} label="original" Cell=${Cell} full=${full} />
      ${pg.variants.map((v, i) => html`<${Card} key=${v.id} model=${model} pg=${pg} variant=${v}
        label=${`variant ${i + 1}`} Cell=${Cell} full=${full} />`)}
    </div>`}
  </div>`;
}
