// The answer form of a run waiting for a person (`interrupt()`, a HumanNode), drawn from one *ask* of
// lab/model/answerform.py: {id, node, kind, question, inputs: [{name, text}], fields: [{name, label, description,
// widget, required, nullable, secret, default?, options?, min?, max?}] | null, yes_no, errors: {field: message}}.
//   widget: text | textarea | password | number | integer | checkbox | select | radio | json; `fields` null: the
//   answer is one JSON value (a JSON editor; with `yes_no`, Approve / Reject send true / false).
// Submit calls `send({id, values: {field: text | bool}})` (fields left empty without a default are not sent:
// the schema says whether they may be) or `send({id, json: text})`; the kernel checks them and the run's
// validation answers; `errors` come back and show under their field (WHOLE, "", above the form).
// The LabView's paused panel (ui/debug.js) and the BatchView's review queue (ui/batch.js) both draw it.
// Every text is a text node; a secret's field (password) is never filled in.
import { h } from "preact";
import { useLayoutEffect, useState } from "preact/hooks";
import htm from "htm";

const html = htm.bind(h);

function initial(fields) {
  const values = {};
  for (const f of fields || []) {
    if (f.widget === "checkbox") values[f.name] = Boolean(f.default);
    else if (f.default !== undefined) values[f.name] = f.default;
  }
  return values;
}

function Widget({ f, value, set, wrong, disabled }) {
  const common = { id: undefined, "aria-invalid": wrong ? "true" : "false", disabled, name: f.name };
  const text = typeof value === "string" ? value : "";
  const input = (e) => set(e.currentTarget.value);
  switch (f.widget) {
    case "checkbox":
      return html`<input type="checkbox" class="dl-answer-input" ...${common} checked=${Boolean(value)}
        onChange=${(e) => set(e.currentTarget.checked)} />`;
    case "number":
    case "integer":
      return html`<input type="number" class="dl-answer-input" ...${common} value=${text}
        step=${f.widget === "integer" ? "1" : "any"} min=${f.min ?? undefined} max=${f.max ?? undefined}
        onInput=${input} />`;
    case "select":
      return html`<select class="dl-answer-input" ...${common} value=${text} onChange=${input}>
        ${!f.required || value === undefined ? html`<option value="">—</option>` : null}
        ${f.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
      </select>`;
    case "radio":
      return html`<span class="dl-answer-radios" role="radiogroup">${f.options.map((o) => html`<label class="dl-answer-radio">
        <input type="radio" ...${common} value=${o.value} checked=${text === o.value} onChange=${input} />${o.label}</label>`)}</span>`;
    case "textarea":
    case "json":
      return html`<textarea class="dl-answer-input" ...${common} spellcheck=${f.widget === "json" ? "false" : "true"}
        data-json=${f.widget === "json" ? "true" : undefined}
        rows=${Math.min(12, Math.max(3, text.split("\n").length))} value=${text} onInput=${input}></textarea>`;
    default:
      return html`<input type=${f.widget === "password" ? "password" : "text"} class="dl-answer-input" ...${common}
        autocomplete="off" value=${text} onInput=${input} />`;
  }
}

export function AnswerForm({ ask, send, enabled }) {
  const [values, setValues] = useState(() => initial(ask.fields));
  const [json, setJson] = useState("");
  // another interrupt: a fresh form (the same one asked again after a rejected answer keeps what was typed)
  useLayoutEffect(() => { setValues(initial(ask.fields)); setJson(""); }, [ask.id]);
  const errors = ask.errors || {};
  const whole = !ask.fields;
  const submit = (e) => {
    e.preventDefault();
    if (!enabled) return;
    send(whole ? { id: ask.id, json } : { id: ask.id, values });
  };
  return html`<div class="dl-ask" data-ask=${ask.id} data-kind=${ask.kind} data-node=${ask.node}>
    <div class="dl-ask-head">${ask.kind === "human" ? "asks you" : "asks"} · ${ask.node}${ask.task ? ` (${ask.task})` : ""}</div>
    <div class="dl-ask-body">
      <div class="dl-ask-main">
        <div class="dl-ask-question">${ask.question}</div>
        <form class="dl-answer" onSubmit=${submit} novalidate>
          ${errors[""] !== undefined && !whole && html`<div class="dl-answer-error" role="alert">${errors[""]}</div>`}
          ${whole ? html`<div class="dl-answer-field" data-field="" data-widget="json"
              data-invalid=${errors[""] !== undefined ? "true" : undefined}>
              <label class="dl-answer-label">answer (JSON: "text", 42, true, {"key": …})</label>
              <${Widget} f=${{ name: "", widget: "json" }} value=${json} set=${setJson} wrong=${errors[""] !== undefined}
                disabled=${!enabled} />
              ${errors[""] !== undefined && html`<div class="dl-answer-error" role="alert">${errors[""]}</div>`}
            </div>`
          : ask.fields.map((f) => html`<div class="dl-answer-field" data-field=${f.name} data-widget=${f.widget}
              data-invalid=${errors[f.name] !== undefined ? "true" : undefined}>
              <label class="dl-answer-label" title=${f.description}>${f.label}${f.required ? html`<span
                class="dl-answer-required" aria-hidden="true"> *</span>` : null}</label>
              <${Widget} f=${f} value=${values[f.name]} wrong=${errors[f.name] !== undefined} disabled=${!enabled}
                set=${(v) => setValues({ ...values, [f.name]: v })} />
              ${f.description && html`<div class="dl-answer-hint">${f.description}</div>`}
              ${errors[f.name] !== undefined && html`<div class="dl-answer-error" role="alert">${errors[f.name]}</div>`}
            </div>`)}
          <div class="dl-answer-actions">
            <button type="submit" class="dl-answer-submit" disabled=${!enabled}>Submit answer</button>
            ${ask.yes_no && html`<button type="button" class="dl-answer-yes" disabled=${!enabled}
                onClick=${() => send({ id: ask.id, json: "true" })}>Approve</button>
              <button type="button" class="dl-answer-no" disabled=${!enabled}
                onClick=${() => send({ id: ask.id, json: "false" })}>Reject</button>`}
          </div>
        </form>
      </div>
      ${ask.inputs && ask.inputs.length > 0 && html`<dl class="dl-ask-inputs" aria-label="inputs">
        ${ask.inputs.map((i) => html`<dt>${i.name}</dt><dd>${i.text}</dd>`)}
      </dl>`}
    </div>
  </div>`;
}

// Every ask of a pause, one form each (parallel branches may wait at once).
export function Asks({ asks, send, enabled }) {
  return html`<div class="dl-asks">${asks.map((a) => html`<${AnswerForm} key=${a.id} ask=${a} send=${send} enabled=${enabled} />`)}</div>`;
}
