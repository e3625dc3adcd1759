// The debugger's bar under the LabView toolbar, drawn from `head.debug` (lab/model/presenter.py):
//   at a pause: Continue, Step, and the state at the pause, one JSON text per field, to edit first;
//   after a run (or at a past step): "Run from here…" opens the same editor on the state at the step
//   the slider shows, and "Run fork" starts a fork from there;
//   with several runs: a selector of the view's runs; for a fork, which nodes' outputs differ;
//   the breakpoints set, each cleared by a click (and all at once).
// Edits stay in the page until a button sends them ({type: "resume" | "step" | "fork", update:
// {field: JSON text}}, only the fields changed); the kernel checks them and answers with an error
// naming the field (`debug.error`), shown under that field. Every text is a text node.
// At a person's step (`paused.asks`, a pause whose `when` is "interrupt"): the answer forms of ui/answer.js
// instead of Continue / Step and the state editor ({type: "answer", id, values | json}).
import { h } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";
import htm from "htm";
import { Asks } from "./answer.js";

const html = htm.bind(h);

// Field editors for `fields` ([{name, text, reads, editable, secret}]); `edits`: name -> edited text.
function StateEditor({ title, fields, edits, setEdits, error, next }) {
  return html`<div class="dl-state">
    <div class="dl-state-title">${title}</div>
    ${error && !error.field && html`<div class="dl-edit-error" role="alert">${error.message}</div>`}
    <div class="dl-fields">
      ${fields.map((f) => {
        const value = Object.hasOwn(edits, f.name) ? edits[f.name] : f.text;
        const edited = Object.hasOwn(edits, f.name) && edits[f.name] !== f.text;
        const wrong = error && error.field === f.name;
        const lines = Math.min(8, Math.max(1, value.split("\n").length));
        return html`<div class="dl-field" data-field=${f.name} data-edited=${edited ? "true" : undefined}
            data-invalid=${wrong ? "true" : undefined}>
          <label class="dl-field-name" title=${f.reads ? `read by node '${next}'` : ""}>${f.name}${
            f.reads ? html`<span class="dl-reads"> · read by ${next}</span>` : null}</label>
          <textarea class="dl-field-value" rows=${lines} spellcheck="false" readonly=${!f.editable}
            aria-invalid=${wrong ? "true" : "false"} value=${value}
            onInput=${(e) => setEdits({ ...edits, [f.name]: e.currentTarget.value })}></textarea>
          ${wrong && html`<div class="dl-edit-error" role="alert">${error.message}</div>`}
        </div>`;
      })}
    </div>
  </div>`;
}

// The edited fields only (what the kernel applies as the update).
function changed(fields, edits) {
  const update = {};
  for (const f of fields) {
    if (Object.hasOwn(edits, f.name) && edits[f.name] !== f.text) update[f.name] = edits[f.name];
  }
  return update;
}

// The breakpoints set, as a list to clear one by one or all at once (a click sends the same toggle as the
// pin: {type: "breakpoint", node, when}). `list`: [{node, when}] in graph order (`debug.breakpoints`), or,
// from an older kernel, none: then read from the synced `breakpoints` trait ({before: [...], after: [...]}).
function Breakpoints({ model, list, enabled }) {
  if (!enabled && !list.length) return null;
  const clear = (b) => model.send({ type: "breakpoint", node: b.node, when: b.when });
  return html`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!list.length && html`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${list.map((b) => html`<button class="dl-bp-item" data-node=${b.node} data-when=${b.when} disabled=${!enabled}
      title=${`Clear the breakpoint ${b.when} '${b.node}'`} onClick=${() => clear(b)}>${b.when} ${b.node} ✕</button>`)}
    ${list.length > 1 && html`<button class="dl-bp-clear-all" disabled=${!enabled} title="Clear every breakpoint"
      onClick=${() => list.forEach(clear)}>clear all</button>`}
  </span>`;
}

export function breakpointList(debug, trait) {
  if (debug && Array.isArray(debug.breakpoints)) return debug.breakpoints;
  const set = trait || {};
  return ["before", "after"].flatMap((when) => (set[when] || []).map((node) => ({ node, when })));
}

// Always drawn (its first row keeps its height from the first render, so nothing under it moves when a
// run ends and "Run from here" appears); the row shows "Run from here" only where the kernel says it can act.
export function Debugger({ model, debug, breakpoints }) {
  const info = debug || {};
  const paused = info.paused;
  const fork = info.fork && (info.fork.available || info.fork.editing) ? info.fork : null;
  const key = (paused && paused.key) || (fork && fork.key) || "";
  const [edits, setEdits] = useState({});
  // Another pause, or another step to fork from: fresh edits. A layout effect runs with the render that
  // shows the new state; a plain effect ran after the paint and could wipe what was typed in between (an edit
  // typed as soon as a Step's new pause appeared could be lost).
  useLayoutEffect(() => setEdits({}), [key]);
  const runs = info.runs;
  const send = (type, fields) => model.send({ type, update: changed(fields || [], edits) });
  const editing = fork && fork.editing;
  const asks = paused && paused.asks && paused.asks.length ? paused.asks : null;
  return html`<div class="dl-debug" data-mode=${paused ? "paused" : editing ? "fork" : "idle"}>
    <div class="dl-debug-row">
      ${asks && html`<span class="dl-paused-at" data-waiting="true">‖ waiting for an answer at '${paused.node}'</span>`}
      ${paused && !asks && html`<span class="dl-paused-at">‖ paused ${paused.when} '${paused.node}'</span>
        ${paused.note && html`<span class="dl-paused-next" title=${paused.note}>${paused.note}</span>`}
        <button class="dl-continue" disabled=${!paused.enabled} title="Go on from the pause with the edited state"
          onClick=${() => send("resume", paused.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!paused.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${() => send("step", paused.fields)}>Step ▸</button>`}
      ${fork && !editing && html`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${() => model.send({ type: "fork-editor", open: true })}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${fork.note || ""}>${fork.note}</span>`}
      ${editing && html`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${() => send("fork", fork.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${() => model.send({ type: "fork-editor", open: false })}>Cancel</button>
        <span class="dl-fork-note" title=${fork.note || ""}>${fork.note}</span>`}
      ${runs && html`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!runs.enabled} value=${String(runs.value ?? -1)}
          onChange=${(e) => model.send({ type: "show-run", index: +e.currentTarget.value })}>
          ${runs.options.map((o) => html`<option value=${String(o.value)}>${o.label}</option>`)}
        </select></label>`}
      ${info.diff && html`<span class="dl-diff-note" data-changed=${info.diff.changed.length ? "true" : "false"}>${
        info.diff.text}</span>`}
      <${Breakpoints} model=${model} list=${breakpointList(debug, breakpoints)} enabled=${Boolean(info.can_break)} />
    </div>
    ${asks && html`<${Asks} asks=${asks} enabled=${Boolean(paused.enabled)}
      send=${(answer) => model.send({ type: "answer", ...answer })} />`}
    ${paused && !asks && html`<${StateEditor} title=${`State at the pause: edit a value (JSON), then Continue or Step`}
      fields=${paused.fields} edits=${edits} setEdits=${setEdits} error=${info.error} next=${paused.next} />`}
    ${editing && html`<${StateEditor} title=${`State to run from: edit a value (JSON), then Run fork`}
      fields=${fork.fields || []} edits=${edits} setEdits=${setEdits} error=${info.error} next=${fork.next} />`}
    ${!paused && !editing && info.error && html`<div class="dl-edit-error" role="alert">${info.error.message}</div>`}
  </div>`;
}
