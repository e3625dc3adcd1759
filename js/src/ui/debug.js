// The debugger's bar under the LabView toolbar, drawn from `panel.debug` (lab/widgets/debugger.py):
//   at a pause: Continue, Step, and the state at the pause, one JSON text per field, to edit first;
//   after a run (or at a past step): "Run from here…" opens the same editor on the state at the step
//   the slider shows, and "Run fork" starts a fork from there;
//   with several runs: a selector of the view's runs; for a fork, which nodes' outputs differ.
// Edits stay in the page until a button sends them ({type: "resume" | "step" | "fork", update:
// {field: JSON text}}, only the fields changed); the kernel checks them and answers with an error
// naming the field (`debug.error`), shown under that field. Every text is a text node.
import { h } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";
import htm from "htm";

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

export function Debugger({ model, debug }) {
  const paused = debug && debug.paused;
  const fork = debug && debug.fork;
  const key = (paused && paused.key) || (fork && fork.key) || "";
  const [edits, setEdits] = useState({});
  // Another pause, or another step to fork from: fresh edits. A layout effect runs with the render that
  // shows the new state; a plain effect ran after the paint and could wipe what was typed in between (an edit
  // typed as soon as a Step's new pause appeared could be lost).
  useLayoutEffect(() => setEdits({}), [key]);
  if (!debug) return null;
  const runs = debug.runs;
  const send = (type, fields) => model.send({ type, update: changed(fields || [], edits) });
  const editing = fork && fork.editing;
  if (!paused && !(fork && (fork.available || fork.note)) && !runs && !debug.diff) return null;
  return html`<div class="dl-debug" data-mode=${paused ? "paused" : editing ? "fork" : "idle"}>
    <div class="dl-debug-row">
      ${paused && html`<span class="dl-paused-at">‖ paused ${paused.when} '${paused.node}'</span>
        <button class="dl-continue" disabled=${!paused.enabled} title="Go on from the pause with the edited state"
          onClick=${() => send("resume", paused.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!paused.enabled} title="Run the next node, then pause again"
          onClick=${() => send("step", paused.fields)}>Step ▸</button>`}
      ${fork && !editing && html`<button class="dl-fork-open" disabled=${!fork.available}
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${() => model.send({ type: "fork-editor", open: true })}>↪ Run from here…</button>
        <span class="dl-fork-note">${fork.note}</span>`}
      ${editing && html`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${() => send("fork", fork.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${() => model.send({ type: "fork-editor", open: false })}>Cancel</button>
        <span class="dl-fork-note">${fork.note}</span>`}
      ${runs && html`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!runs.enabled} value=${String(runs.value ?? -1)}
          onChange=${(e) => model.send({ type: "show-run", index: +e.currentTarget.value })}>
          ${runs.options.map((o) => html`<option value=${String(o.value)}>${o.label}</option>`)}
        </select></label>`}
      ${debug.diff && html`<span class="dl-diff-note" data-changed=${debug.diff.changed.length ? "true" : "false"}>${
        debug.diff.text}</span>`}
    </div>
    ${paused && html`<${StateEditor} title=${`State at the pause: edit a value (JSON), then Continue or Step`}
      fields=${paused.fields} edits=${edits} setEdits=${setEdits} error=${debug.error} next=${paused.next} />`}
    ${editing && html`<${StateEditor} title=${`State to run from: edit a value (JSON), then Run fork`}
      fields=${fork.fields || []} edits=${edits} setEdits=${setEdits} error=${debug.error} next=${fork.next} />`}
    ${!paused && !editing && debug.error && html`<div class="dl-edit-error" role="alert">${debug.error.message}</div>`}
  </div>`;
}

export function BreakpointHint() {
  return html`<div class="dl-bp-hint">Breakpoints: hover a node and click the dot on its top-left corner
    (pause before it) or bottom-left corner (pause after it).</div>`;
}
