// BatchView (`_kind` "batch"): a program run over a dataset. Drawn from the kernel's JSON (see
// lab/model/batchmodel.py): `_picture` is the heatmap on the graph (heat_json), `_panel` the progress,
// the per-node table and ONE page of the example table (batch_json). Sorting, filtering and paging
// ask the kernel for another page ({type: "table", ...}); the measure the heatmap colours by is
// chosen here (every measure's level is in `_picture`), so switching it costs no message.
//
// A click on a row sends {type: "open", index}; the kernel shows that example's run in a LabPresenter and
// mirrors its picture and panel into this widget's `_open_picture`/`_open_panel`. The LabView UI of
// widget.js draws it below the table through `openedModel` (ui/opened.js), a view of this model that
// reads those traits and tags what it sends {to: "example"}.
//
// The review queue (`_panel.review`, batchmodel.review_json): the examples waiting for a person's answer, oldest
// first, each with its inputs and its question's answer form (ui/answer.js); Submit sends {type: "answer", index,
// id, values | json} and that example goes on while the others keep running.
//
// Every text is a text node (Preact/htm); nothing from the kernel is parsed as HTML.
import { h } from "preact";
import { useMemo, useState } from "preact/hooks";
import htm from "htm";
import { openedModel } from "./opened.js";
import { Asks } from "./answer.js";

const html = htm.bind(h);
const COLUMN_TITLES = {
  index: "#",
  summary: "inputs",
  status: "status",
  score: "score",
  attempts: "attempts",
  duration: "duration",
  error_type: "error",
};
const FILTER_TITLES = {
  all: "all examples",
  failures: "failures only",
  failed: "failed",
  rate_limited: "rate-limited",
  cancelled: "cancelled",
  running: "running",
  waiting: "waiting for an answer",
  finished: "finished",
};
const MEASURE_SCALE = {
  failure_rate: "share of visits (each shade 20%)",
  retry_rate: "share of visits (each shade 20%)",
  visits: "relative to the busiest node",
  p50: "relative to the slowest node",
  p95: "relative to the slowest node",
};

function Progress({ model, panel }) {
  const p = panel.progress || {};
  const stop = panel.stop || {};
  const total = p.total || 0;
  const part = (n) => `${total ? (100 * n) / total : 0}%`;
  const ok = (p.done || 0) - (p.failed || 0) - (p.rate_limited || 0);
  return html`<div class="dl-toolbar dl-batch-progress"><div class="dl-toolbar-line">
    <button class="dl-stop" disabled=${!stop.enabled} title=${stop.hint || ""}
      onClick=${() => model.send({ type: "stop" })}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${total} aria-valuenow=${p.done || 0}
      data-done=${p.done || 0} data-total=${total}>
      <span class="dl-bar-ok" style=${{ width: part(ok) }}></span>
      <span class="dl-bar-failed" style=${{ width: part((p.failed || 0) + (p.rate_limited || 0)) }}></span>
    </div>
    <span class="dl-status" title=${[p.text, panel.store].filter(Boolean).join("\n")}
      data-stored=${panel.store || undefined}>${p.text || ""}</span>
    ${panel.where ? html`<span class="dl-where" title="where the batch's runs execute">${panel.where}</span>` : null}
  </div></div>`;
}

function HeatLegend({ measure, label }) {
  return html`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${label}: ${MEASURE_SCALE[measure] || ""}</span>
    ${[0, 1, 2, 3, 4, 5].map((n) => html`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n === 0 ? "none" : ""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`;
}

function NodeTable({ panel, measure }) {
  const rows = panel.nodes || [];
  if (!rows.length) return null;
  const cols = ["visits", "retry_rate", "failure_rate", "model_retries", "p50", "p95"];
  const titles = { visits: "visits", retry_rate: "retry rate", failure_rate: "failure rate",
    model_retries: "model retries", p50: "p50", p95: "p95" };
  return html`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${cols.map((c) => html`<th data-measure=${c}
      data-chosen=${c === measure ? "true" : undefined}>${titles[c]}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr data-node=${r.node}><th scope="row">${r.node}</th>
      ${cols.map((c) => html`<td data-measure=${c} data-chosen=${c === measure ? "true" : undefined}>${r[c]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`;
}

function cellText(row, column) {
  return column === "index" ? String(row.index) : String(row[column] ?? "");
}

function Examples({ model, panel }) {
  const ex = panel.examples;
  if (!ex) return null;
  const q = ex.query || {};
  const ask = (change) => model.send({ type: "table", ...change });
  const sortBy = (column) => ask({ sort: column, descending: q.sort === column ? !q.descending : false });
  const open = (row) => row.kept && model.send({ type: "open", index: row.index });
  return html`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${q.filter} onChange=${(e) => ask({ filter: e.currentTarget.value })}>
          ${(ex.filters || []).map((f) => html`<option value=${f}>${FILTER_TITLES[f] || f}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(q.page > 0)} onClick=${() => ask({ page: q.page - 1 })}>◀ previous</button>
      <button class="dl-next" disabled=${!(q.page + 1 < ex.pages)}
        onClick=${() => ask({ page: q.page + 1 })}>next ▶</button>
      <span class="dl-position">${ex.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${ex.columns.map((c) => html`<th data-col=${c}
        aria-sort=${q.sort === c ? (q.descending ? "descending" : "ascending") : "none"}>
        <button class="dl-sort" title=${`sort by ${COLUMN_TITLES[c] || c}`} onClick=${() => sortBy(c)}>
          ${COLUMN_TITLES[c] || c}${q.sort === c ? (q.descending ? " ▼" : " ▲") : ""}</button></th>`)}</tr></thead>
      <tbody>${ex.rows.map((r) => html`<tr class="dl-example" data-index=${r.index} data-status=${r.status}
        data-kept=${r.kept ? "true" : "false"} data-open=${r.open ? "true" : undefined}
        tabindex=${r.kept ? "0" : undefined} role=${r.kept ? "button" : undefined}
        title=${r.kept ? `open example ${r.index}${r.error ? `: ${r.error}` : ""}` : "events not kept (not sampled)"}
        onClick=${() => open(r)} onKeyDown=${(e) => e.key === "Enter" && open(r)}>
        ${ex.columns.map((c) => html`<td data-col=${c}>${cellText(r, c)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`;
}

function Review({ model, review }) {
  if (!review || !review.count) return null;
  return html`<div class="dl-review" aria-label="review queue">
    <div class="dl-review-title">Waiting for an answer: ${review.count} example(s), oldest first${
      review.rows.length < review.count ? ` (the first ${review.rows.length} shown)` : ""}</div>
    ${review.rows.map((r) => html`<div class="dl-review-row" key=${r.index} data-index=${r.index}>
      <div class="dl-review-head"><span class="dl-title">Example ${r.index}</span>
        <span class="dl-review-since">${r.since}</span>
        <span class="dl-review-summary" title=${r.summary}>${r.summary}</span></div>
      <${Asks} asks=${r.asks} enabled=${true}
        send=${(answer) => model.send({ type: "answer", index: r.index, ...answer })} />
    </div>`)}
  </div>`;
}

function Opened({ model, panel, Lab, example }) {
  if (panel.opened === null || panel.opened === undefined || !model.get("_open_panel")) return null;
  return html`<div class="dl-opened" data-index=${panel.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${panel.opened}</span>
      <button class="dl-close" onClick=${() => model.send({ type: "close-example" })}>✕ close</button>
    </div>
    <${Lab} key=${panel.opened} model=${example} />
  </div>`;
}

export function Batch({ model, views, useTrait }) {
  const { GraphPane, Lab } = views;
  const layout = useTrait(model, "_layout") || {};
  const picture = useTrait(model, "_picture") || {};
  const panelText = useTrait(model, "_panel") || "{}";
  useTrait(model, "_open_panel"); // re-render when an example opens or closes
  const panel = useMemo(() => JSON.parse(panelText), [panelText]);
  const example = useMemo(() => openedModel(model, "example"), [model]);
  const measures = panel.measures || [];
  const [measure, setMeasure] = useState("failure_rate");
  const label = (measures.find((m) => m.id === measure) || {}).label || measure;
  const heated = useMemo(() => ({ ...picture, heat: { ...(picture.heat || {}), measure } }), [picture, measure]);
  return html`<div class="dspyer-batch" data-run-state=${panel.state || "idle"} data-measure=${measure}>
    <${Progress} model=${model} panel=${panel} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${measure} onChange=${(e) => setMeasure(e.currentTarget.value)}>
            ${measures.map((m) => html`<option value=${m.id}>${m.label}</option>`)}
          </select></label>
        <${GraphPane} model=${model} layout=${layout} picture=${heated}
          legend=${html`<${HeatLegend} measure=${measure} label=${label} />`} />
        <${NodeTable} panel=${panel} measure=${measure} />
      </div>
      <div class="dl-side"><${Examples} model=${model} panel=${panel} /></div>
    </div>
    <${Review} model=${model} review=${panel.review} />
    <${Opened} model=${model} panel=${panel} Lab=${Lab} example=${example} />
  </div>`;
}
