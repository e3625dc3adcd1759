// RunsView (`_kind` "runs"): the runs browser. Drawn from the kernel's JSON `_panel` (see
// lab/model/presenter_runs.py): the Runs | Batches toggle, ONE page of the runs table with its filters
// and sort, or the batches table with an opened batch's examples; the checked rows, the delete confirm
// step. Every change asks the kernel ({type: "table", ...filters, sort, descending, page}); the kernel
// reads the page from the store and sends it back.
//
// A click on a run's row sends {type: "open", run_id}; the kernel shows the stored run in a LabPresenter
// and mirrors its parts into `_open_picture`/`_open_panel`/`_open_layout`, drawn below the table by the
// LabView UI through `openedModel` (ui/opened.js), which tags what it sends {to: "run"}.
//
// Two checked rows (runs, or batches) and Compare ({type: "compare"}): the kernel syncs the comparison's
// JSON with its picture and layout into `_compare`, drawn by CompareBody (ui/compare.js), whose clicks are
// tagged {to: "compare"}.
//
// Messages: {type: "table" | "mode" | "refresh" | "check" | "open" | "close-run" | "open-batch" |
// "batches-page" | "batch-page" | "delete" | "delete-confirm" (batches: runs: true deletes their runs too) |
// "delete-cancel" | "compare" | "close-compare"}, the opened
// run's tagged {to: "run"} and the comparison's tagged {to: "compare"}.
//
// Markup contract (browser tests rely on it; keep it stable):
//   .dspyer-runs[data-mode="runs"|"batches"][data-count="<n>"]   the root; n: runs matching the filters (batches: stored batches)
//     button.dl-mode[data-mode="runs"|"batches"][aria-pressed]   the Runs | Batches toggle
//     button.dl-refresh   .dl-store (the store's file)   .dl-notice ("deleted 2 runs")
//   the runs table:
//     .dl-filters > select.dl-f-program, select.dl-f-status, input.dl-f-node, input.dl-f-text,
//                   input.dl-f-since[type=date], input.dl-f-until[type=date]   (a text filter applies on Enter or blur)
//     .dl-pager > button.dl-prev, button.dl-next, .dl-position ("rows 1-20 of 312")
//     button.dl-delete[disabled?] ("Delete N…"): asks first:
//       .dl-confirm > .dl-confirm-text, button.dl-delete-confirm, button.dl-delete-cancel
//     table.dl-runs-table > thead th[data-col][aria-sort] > button.dl-sort (click: sort; again: reverse)
//       tbody tr.dl-run[data-run-id][data-status][data-checked?][data-open?][data-parent?]
//         > td.dl-check > input.dl-check[type=checkbox], td[data-col="program|started|status|duration|
//           total_tokens|cost|error"] (the error clipped; its title the whole text)
//   the batches table:
//     .dl-pager (its pages of batches), button.dl-delete, .dl-confirm (as the runs table's, plus
//       button.dl-delete-confirm-runs "Delete with their N runs")
//     button.dl-compare[disabled?] (runs and batches: enabled with two rows checked)
//     table.dl-batches-table tr.dl-batch[data-batch-id][data-status][data-open?][data-checked?] > td.dl-check >
//       input.dl-check (click on the row: list its examples)
//     .dl-batch-examples[data-batch-id] > .dl-pager, table tr.dl-batch-example[data-index][data-run-id?][data-status]
//       (click: open its run)
//   .dl-compared > .dl-opened-bar (button.dl-close) + .dspyer-compare ... (ui/compare.js's markup)
//   .dl-opened[data-run-id] > .dl-opened-bar (.dl-title, .dl-replay-only where it cannot fork, button.dl-close)
//     + the LabView UI (.dspyer-lab ...; its "Run from here…" where the view has the run's program)
//
// Every text is a text node (Preact/htm); nothing from the store is parsed as HTML.
import { h } from "preact";
import { useMemo } from "preact/hooks";
import htm from "htm";
import { CompareBody } from "./compare.js";
import { openedModel } from "./opened.js";

const html = htm.bind(h);
const TITLES = {
  program: "program",
  started: "started",
  status: "status",
  duration: "duration",
  total_tokens: "tokens",
  cost: "cost",
  error: "error",
  examples: "examples",
  scores: "scores",
};

function Filters({ send, table }) {
  const q = table.query || {};
  const ask = (change) => send({ type: "table", ...change });
  const apply = (name, value) => value.trim() !== (q[name] || "") && ask({ [name]: value.trim() });
  const text = (name, cls, label) => html`<label class="dl-pick">${label}
    <input class=${cls} type="text" size="12" value=${q[name] || ""}
      onChange=${(e) => apply(name, e.currentTarget.value)}
      onKeyDown=${(e) => e.key === "Enter" && apply(name, e.currentTarget.value)} /></label>`;
  return html`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${q.program || ""} onChange=${(e) => ask({ program: e.currentTarget.value })}>
        <option value="">all</option>
        ${(table.programs || []).map((p) => html`<option value=${p}>${p}</option>`)}
        ${q.program && !(table.programs || []).includes(q.program) && html`<option value=${q.program}>${q.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${q.status || ""} onChange=${(e) => ask({ status: e.currentTarget.value })}>
        <option value="">all</option>
        ${(table.statuses || []).map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
    ${text("node", "dl-f-node", "visited node")}
    ${text("text", "dl-f-text", "error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${q.since || ""} onChange=${(e) => ask({ since: e.currentTarget.value })} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${q.until || ""} onChange=${(e) => ask({ until: e.currentTarget.value })} /></label>
  </div>`;
}

function Pager({ page, pages, position, go }) {
  return html`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(page > 0)} onClick=${() => go(page - 1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(page + 1 < pages)} onClick=${() => go(page + 1)}>next ▶</button>
    <span class="dl-position">${position}</span>
  </div>`;
}

function Confirm({ send, confirm }) {
  if (!confirm) return null;
  return html`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${confirm.text}</span>
    <button class="dl-delete-confirm" onClick=${() => send({ type: "delete-confirm" })}>Delete</button>
    ${confirm.runs ? html`<button class="dl-delete-confirm-runs" onClick=${() => send({ type: "delete-confirm", runs: true })}>
      ${`Delete with their ${confirm.runs} run${confirm.runs === 1 ? "" : "s"}`}</button>` : null}
    <button class="dl-delete-cancel" onClick=${() => send({ type: "delete-cancel" })}>Cancel</button>
  </div>`;
}

function CompareButton({ send, panel }) {
  return html`<button class="dl-compare" disabled=${!panel.can_compare} onClick=${() => send({ type: "compare" })}
    title="check two rows to compare them side by side">Compare</button>`;
}

function Check({ send, id, checked, label }) {
  return html`<td class="dl-check" onClick=${(e) => e.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${checked} aria-label=${label}
    onChange=${(e) => send({ type: "check", id, checked: e.currentTarget.checked })} /></td>`;
}

function DeleteButton({ send, panel, what }) {
  const n = (panel.checked || []).length;
  return html`<button class="dl-delete" disabled=${!panel.can_delete} onClick=${() => send({ type: "delete" })}
    title=${`delete the checked ${what} from the store`}>${`Delete${n ? ` ${n}` : ""}…`}</button>`;
}

function RunsTable({ send, panel }) {
  const table = panel.runs;
  if (!table) return null;
  const q = table.query || {};
  const checked = new Set(panel.checked || []);
  const sortBy = (c) => send({ type: "table", sort: c, descending: q.sort === c ? !q.descending : c === "started" });
  const open = (r) => send({ type: "open", run_id: r.run_id });
  return html`<div class="dl-runs-list">
    <${Filters} send=${send} table=${table} />
    <div class="dl-actions">
      <${Pager} page=${q.page} pages=${table.pages} position=${table.position}
        go=${(page) => send({ type: "table", page })} />
      <${DeleteButton} send=${send} panel=${panel} what="runs" />
      <${CompareButton} send=${send} panel=${panel} />
    </div>
    <${Confirm} send=${send} confirm=${panel.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${table.columns.map((c) => html`<th data-col=${c}
        aria-sort=${q.sort === c ? (q.descending ? "descending" : "ascending") : "none"}>
        <button class="dl-sort" title=${`sort by ${TITLES[c] || c}`} onClick=${() => sortBy(c)}>
          ${TITLES[c] || c}${q.sort === c ? (q.descending ? " ▼" : " ▲") : ""}</button></th>`)}</tr></thead>
      <tbody>${table.rows.map((r) => html`<tr class="dl-run" key=${r.run_id} data-run-id=${r.run_id} data-status=${r.status}
        data-checked=${checked.has(r.run_id) ? "true" : undefined} data-open=${panel.opened === r.run_id ? "true" : undefined}
        data-parent=${r.parent || undefined} tabindex="0" role="button" title=${`open run ${r.run_id}`}
        onClick=${() => open(r)} onKeyDown=${(e) => e.key === "Enter" && e.target === e.currentTarget && open(r)}>
        <${Check} send=${send} id=${r.run_id} checked=${checked.has(r.run_id)} label=${`select run ${r.run_id}`} />
        ${table.columns.map((c) => html`<td data-col=${c} title=${c === "error" ? r.error_full : undefined}>${r[c] ?? ""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`;
}

function BatchExamples({ send, opened }) {
  if (!opened) return null;
  return html`<div class="dl-batch-examples" data-batch-id=${opened.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${opened.title}</span>
      <button class="dl-close" onClick=${() => send({ type: "open-batch", batch_id: null })}>✕ close</button>
    </div>
    <${Pager} page=${opened.page} pages=${opened.pages} position=${opened.position}
      go=${(page) => send({ type: "batch-page", page })} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${opened.rows.map((r) => {
        const open = () => r.run_id && r.status !== "deleted" && send({ type: "open", run_id: r.run_id });
        return html`<tr class="dl-batch-example" data-index=${r.index} data-run-id=${r.run_id || undefined}
          data-status=${r.status} tabindex="0" role="button" onClick=${open} onKeyDown=${(e) => e.key === "Enter" && open()}>
          <td>${String(r.index)}</td><td>${r.run_id || ""}</td><td>${r.score}</td><td>${r.status}</td></tr>`;
      })}</tbody>
    </table></div>
  </div>`;
}

function BatchesTable({ send, panel }) {
  const table = panel.batches;
  if (!table) return null;
  const opened = table.opened;
  const checked = new Set(panel.checked || []);
  return html`<div class="dl-batches-list">
    <div class="dl-actions">
      <${Pager} page=${table.page} pages=${table.pages} position=${table.position}
        go=${(page) => send({ type: "batches-page", page })} />
      <${DeleteButton} send=${send} panel=${panel} what="batches" />
      <${CompareButton} send=${send} panel=${panel} />
    </div>
    <${Confirm} send=${send} confirm=${panel.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${table.columns.map((c) => html`<th data-col=${c}>${TITLES[c] || c}</th>`)}</tr></thead>
      <tbody>${table.rows.map((b) => {
        const open = () => send({ type: "open-batch", batch_id: b.batch_id });
        return html`<tr class="dl-batch" key=${b.batch_id} data-batch-id=${b.batch_id} data-status=${b.status}
          data-open=${opened && opened.batch_id === b.batch_id ? "true" : undefined} tabindex="0" role="button"
          data-checked=${checked.has(b.batch_id) ? "true" : undefined}
          onClick=${open} onKeyDown=${(e) => e.key === "Enter" && e.target === e.currentTarget && open()}>
          <${Check} send=${send} id=${b.batch_id} checked=${checked.has(b.batch_id)} label=${`select batch ${b.batch_id}`} />
          ${table.columns.map((c) => html`<td data-col=${c}>${b[c] ?? ""}</td>`)}</tr>`;
      })}</tbody>
    </table></div>
    <${BatchExamples} send=${send} opened=${opened} />
  </div>`;
}

function Opened({ model, panel, Lab, run }) {
  if (!panel.opened || !model.get("_open_panel")) return null;
  return html`<div class="dl-opened" data-run-id=${panel.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${panel.opened}`}</span>
      ${!panel.forkable && html`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${() => model.send({ type: "close-run" })}>✕ close</button>
    </div>
    <${Lab} key=${panel.opened} model=${run} />
  </div>`;
}

function Compared({ model, views, useTrait }) {
  const text = useTrait(model, "_compare") || "";
  const data = useMemo(() => (text ? JSON.parse(text) : null), [text]);
  const send = useMemo(() => (content) => model.send({ ...content, to: "compare" }), [model]);
  if (!data) return null;
  return html`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${() => model.send({ type: "close-compare" })}>✕ close</button>
    </div>
    <${CompareBody} model=${model} data=${data} send=${send} views=${views} />
  </div>`;
}

export function Runs({ model, views, useTrait }) {
  const { Lab } = views;
  const panelText = useTrait(model, "_panel") || "{}";
  useTrait(model, "_open_panel"); // re-render when a run opens or closes
  const panel = useMemo(() => JSON.parse(panelText), [panelText]);
  const run = useMemo(
    () => openedModel(model, "run", { _picture: "_open_picture", _panel: "_open_panel", _layout: "_open_layout" }),
    [model],
  );
  const send = (message) => model.send(message);
  const mode = panel.mode || "runs";
  const count = mode === "runs" ? (panel.runs || {}).total : (panel.batches || {}).total;
  const toggle = (m, label) => html`<button class="dl-mode" data-mode=${m} aria-pressed=${m === mode ? "true" : "false"}
    onClick=${() => send({ type: "mode", mode: m })}>${label}</button>`;
  return html`<div class="dspyer-runs" data-mode=${mode} data-count=${count ?? 0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${toggle("runs", "Runs")}${toggle("batches", "Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${() => send({ type: "refresh" })}>⟳ Refresh</button>
      <span class="dl-store" title=${panel.store || ""}>${panel.store || ""}</span>
      <span class="dl-notice">${panel.notice || ""}</span>
    </div>
    ${mode === "runs" ? html`<${RunsTable} send=${send} panel=${panel} />` : html`<${BatchesTable} send=${send} panel=${panel} />`}
    <${Compared} model=${model} views=${views} useTrait=${useTrait} />
    <${Opened} model=${model} panel=${panel} Lab=${Lab} run=${run} />
  </div>`;
}
