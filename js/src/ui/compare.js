// CompareView (`_kind` "compare"): two runs, or two batches, side by side. Drawn from the kernel's JSON
// (lab/model/presenter_compare.py): `_compare` is the panel, `_picture` the graph's picture with a
// `compare` part this file draws on the graph itself (nodes and edges by their data-node / data-edge).
// Clicks go back as messages: {type: "select", node}, {type: "table", filter?, page?},
// {type: "open", index} (an example's two runs), {type: "back"}.
//
// `CompareBody({model, data, send, views})` is the pure drawing, for any view holding a comparison:
// `data` is the panel JSON plus `picture` and `layout` (ComparePresenter.render_embedded); `send`
// carries its clicks (RunsView tags them {to: "compare"}). `Compare({model, views, useTrait})` is the
// CompareView's own: it reads the three traits and sends to its model.
//
// Markup (what tests and styles rely on):
//   .dspyer-compare[data-mode="runs"|"batches"]
//   runs:    g.node[data-diff="changed"|"same"|"only-a"|"only-b"|"none"], g.node[data-diverge="true"],
//            g.edge[data-side="a"|"b"|"both"]; [data-diverge] (the line saying where the paths part);
//            button.dl-node[data-node][data-diff]; .dl-detail[data-node] > table.dl-fields >
//            tr[data-field][data-changed] > td.dl-a, td.dl-b (del.dl-del / ins.dl-ins in a diff);
//            button.dl-back (an opened example: back to the batches)
//   batches: [data-outcome-count-fixed|broken|same|changed]=n, .dl-score-delta,
//            g.node[data-delta="worse"|"better"|"none"][data-delta-level=0..5],
//            select.dl-outcome-filter, tr.dl-example[data-outcome][data-index][data-openable]
//
// Every text is a text node (Preact/htm) or set with textContent; nothing from the kernel is parsed as HTML.
import { h } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import htm from "htm";

const html = htm.bind(h);
const DIFF_TITLES = { changed: "changed", same: "same", "only-a": "only in A", "only-b": "only in B", none: "not run" };
const OUTCOME_TITLES = { all: "all examples", fixed: "fixed", broken: "broken", same: "same", changed: "changed" };
const OUTCOMES = ["fixed", "broken", "same", "changed"];

function setTitle(group, text) {
  let title = group.querySelector(":scope > title");
  if (!title) {
    title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    group.prepend(title);
  }
  if (title.textContent !== text) title.textContent = text; // unchanged: no mutation (the observer below)
}

function setAttr(el, name, value) {
  if (value === null || value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) el.setAttribute(name, String(value));
}

// The comparison on the drawn graph: run diffs and paths, or the batches' heatmap of `measure`.
function overlay(root, part, measure) {
  if (!root) return;
  const runs = part && part.nodes ? part : null;
  const heat = (part && part.heat) || null;
  for (const group of root.querySelectorAll("g.node[data-node]")) {
    const name = group.getAttribute("data-node");
    if (runs) {
      const diff = runs.nodes[name] || "none";
      setAttr(group, "data-diff", diff);
      setAttr(group, "data-diverge", runs.diverge === name ? "true" : null);
      setTitle(group, `${name}: ${DIFF_TITLES[diff] || diff}${runs.diverge === name ? " (the paths part here)" : ""}`);
    } else if (heat) {
      const info = heat[name];
      const level = info && info.levels ? info.levels[measure] || 0 : 0;
      setAttr(group, "data-delta", level > 0 ? "worse" : level < 0 ? "better" : "none");
      setAttr(group, "data-delta-level", Math.abs(level));
      setTitle(group, info ? info.title : `${name}: not run`);
    }
  }
  const sides = (runs && runs.edges) || {};
  for (const group of root.querySelectorAll("g.edge[data-edge]")) {
    setAttr(group, "data-side", runs ? sides[group.getAttribute("data-edge")] || null : null);
  }
}

// The graph pane, with the comparison drawn on it whenever the pane (re)draws its SVG.
function ComparedGraph({ model, GraphPane, layout, picture, measure, legend }) {
  const box = useRef(null);
  const part = picture.compare;
  useEffect(() => {
    const root = box.current;
    overlay(root, part, measure);
    const watch = new MutationObserver(() => overlay(root, part, measure));
    watch.observe(root, { childList: true, subtree: true });
    return () => watch.disconnect();
  }, [part, measure]);
  return html`<div class="dl-compare-graph" ref=${box}>
    <${GraphPane} model=${model} layout=${layout} picture=${picture} legend=${legend} />
  </div>`;
}

export function DiffText({ ops, keep }) {
  return ops
    .filter(([op]) => op === "=" || op === keep)
    .map(([op, text]) =>
      op === "=" ? text : op === "-" ? html`<del class="dl-del">${text}</del>` : html`<ins class="dl-ins">${text}</ins>`,
    );
}

function Cell({ row, side }) {
  const cls = side === "a" ? "dl-a" : "dl-b";
  if (row.changed && row.diff && row.diff.length) {
    return html`<td class=${cls}><pre class="dl-value"><${DiffText} ops=${row.diff} keep=${side === "a" ? "-" : "+"} /></pre></td>`;
  }
  return html`<td class=${cls}><pre class="dl-value">${row[side]}</pre></td>`;
}

function sideLine(side) {
  if (!side) return "not run";
  const parts = [side.status, side.duration, `${side.attempts ?? 0} attempt(s)`, `${side.tokens} tokens`];
  if (side.calls) parts.push(`${side.calls} call(s)${side.models.length ? ` (${side.models.join(", ")})` : ""}`);
  return parts.filter(Boolean).join(" · ");
}

function Detail({ detail }) {
  if (!detail) return html`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`;
  return html`<div class="dl-detail" data-node=${detail.node} data-diff=${detail.diff}>
    <div class="dl-title">${detail.node}: ${DIFF_TITLES[detail.diff] || detail.diff}
      ${detail.changed.length ? ` (${detail.changed.join(", ")})` : ""}</div>
    ${detail.visits.map((v) => html`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${v.visit}>
      <thead><tr><th>visit ${v.visit}</th><th class="dl-a">A: ${sideLine(v.a)}</th>
        <th class="dl-b">B: ${sideLine(v.b)}</th></tr></thead>
      <tbody>${v.fields.map((r) => html`<tr data-field=${r.field} data-changed=${r.changed ? "true" : "false"}>
        <th scope="row">${r.field}</th><${Cell} row=${r} side="a" /><${Cell} row=${r} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${detail.more && html`<p class="dl-hint dl-more">${detail.more}</p>`}
  </div>`;
}

function RunsPart({ model, data, send, GraphPane }) {
  const s = data.summary || {};
  const d = data.path && data.path.diverge;
  const legend = html`<div class="dl-legend" aria-label="legend">
    ${["changed", "same", "only-a", "only-b"].map((k) => html`<span class="dl-key" data-diff=${k}>
      <span class="dl-swatch"></span>${DIFF_TITLES[k]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;
  return html`<div class="dl-body">
    <div class="dl-main">
      <${ComparedGraph} model=${model} GraphPane=${GraphPane} layout=${data.layout || {}}
        picture=${data.picture || {}} legend=${legend} />
      <p class="dl-path-line" data-diverge=${d ? "true" : "false"}>${d
        ? `The paths part at step ${d.step + 1}${d.after ? `, after ${d.after}` : ""}: A → ${d.a || "end"}, B → ${d.b || "end"}`
        : "Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${s.a.status}</td><td class="dl-b">${s.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${s.a.duration}</td><td class="dl-b">${s.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(s.a.tokens)}</td><td class="dl-b">${String(s.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${s.output_changed ? "true" : "false"}><th scope="row">output</th>
            <${Cell} row=${{ a: s.a.output, b: s.b.output, changed: s.output_changed, diff: s.output_diff }} side="a" />
            <${Cell} row=${{ a: s.a.output, b: s.b.output, changed: s.output_changed, diff: s.output_diff }} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(data.nodes || []).map((n) => html`<button class="dl-node" data-node=${n.node}
        data-diff=${n.diff} aria-pressed=${data.selected === n.node ? "true" : "false"}
        onClick=${() => send({ type: "select", node: data.selected === n.node ? "" : n.node })}>
        ${n.node}: ${DIFF_TITLES[n.diff] || n.diff}${n.changed.length ? ` (${n.changed.join(", ")})` : ""}</button>`)}
      </div>
      <${Detail} detail=${data.detail} />
    </div>
  </div>`;
}

function Examples({ examples, send }) {
  const ask = (change) => send({ type: "table", ...change });
  const open = (row) => row.openable && send({ type: "open", index: row.index });
  return html`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${examples.filter}
          onChange=${(e) => ask({ filter: e.currentTarget.value })}>
          ${examples.filters.map((f) => html`<option value=${f}>${OUTCOME_TITLES[f] || f}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(examples.page > 0)} onClick=${() => ask({ page: examples.page - 1 })}>◀ previous</button>
      <button class="dl-next" disabled=${!(examples.page + 1 < examples.pages)}
        onClick=${() => ask({ page: examples.page + 1 })}>next ▶</button>
      <span class="dl-position">${examples.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${examples.rows.map((r) => html`<tr class="dl-example" data-index=${r.index} data-outcome=${r.outcome}
        data-openable=${r.openable ? "true" : "false"} tabindex=${r.openable ? "0" : undefined}
        role=${r.openable ? "button" : undefined}
        title=${r.openable ? `open example ${r.index}'s two runs` : "runs not kept: only outputs and scores compared"}
        onClick=${() => open(r)} onKeyDown=${(e) => e.key === "Enter" && open(r)}>
        <td>${String(r.index)}</td><td>${r.summary}</td><td data-col="outcome">${r.outcome}</td>
        <td class="dl-a">${[r.a.status, r.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[r.b.status, r.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`;
}

function BatchesPart({ model, data, send, GraphPane }) {
  const measures = data.measures || [];
  const [measure, setMeasure] = useState("failure_rate");
  const label = (measures.find((m) => m.id === measure) || {}).label || measure;
  const legend = html`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${label}:</span>
    ${[-5, -3, -1, 0, 1, 3, 5].map((n) => html`<span class="dl-key" data-delta=${n > 0 ? "worse" : n < 0 ? "better" : "none"}
      data-delta-level=${Math.abs(n)}><span class="dl-swatch"></span>${n === -5 ? "better" : n === 0 ? "same" : n === 5 ? "worse" : ""}</span>`)}
  </div>`;
  const counts = data.counts || {};
  const score = data.score || {};
  return html`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${OUTCOMES.map((o) => html`<button class="dl-outcome-count" data-outcome=${o}
        ...${{ [`data-outcome-count-${o}`]: String(counts[o] ?? 0) }}
        onClick=${() => send({ type: "table", filter: o })}>${o} ${String(counts[o] ?? 0)}</button>`)}</div>
      <p class="dl-score">${score.measure} B − A: <span class="dl-score-delta">${score.text}</span>${" "}
        <span class="dl-hint">(A ${score.mean_a}, B ${score.mean_b}; passes: finished${
          score.measure === "score" ? ` and score ≥ ${data.pass_threshold}` : ""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${measure} onChange=${(e) => setMeasure(e.currentTarget.value)}>
          ${measures.map((m) => html`<option value=${m.id}>${m.label}</option>`)}
        </select></label>
      <${ComparedGraph} model=${model} GraphPane=${GraphPane} layout=${data.layout || {}}
        picture=${data.picture || {}} measure=${measure} legend=${legend} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${measures.map((m) => html`<th data-measure=${m.id}>${m.label} A → B</th>`)}</tr></thead>
        <tbody>${(data.nodes || []).map((n) => html`<tr data-node=${n.node}><th scope="row">${n.node}</th>
          ${measures.map((m) => html`<td data-measure=${m.id}>${n.a[m.id]} → ${n.b[m.id]} (${n.delta[m.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${data.examples && html`<${Examples} examples=${data.examples} send=${send} />`}</div>
  </div>`;
}

// `model` as a pane inside another view sees it: its clicks go through `send`, its snapshots are not the view's.
function embeddedModel(model, send) {
  return {
    get: (name) => (name === "_still" ? "" : model.get(name)),
    on: (...args) => model.on(...args),
    off: (...args) => model.off(...args),
    send: (content, ...rest) => {
      if (content && content.type === "need-runtime") model.send(content, ...rest);
      else if (content && content.type !== "snapshot") send(content);
    },
  };
}

export function CompareBody({ model, data, send, views, embedded = true }) {
  const { GraphPane } = views;
  const pane = useMemo(() => (embedded ? embeddedModel(model, send) : model), [model, send, embedded]);
  if (!data || !data.mode) return html`<div class="dspyer-compare"></div>`;
  const Part = data.mode === "runs" ? RunsPart : BatchesPart;
  return html`<div class="dspyer-compare" data-mode=${data.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${data.back && html`<button class="dl-back" onClick=${() => send({ type: "back" })}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${data.labels.a}</span>
      <span class="dl-label dl-b">B: ${data.labels.b}</span>
      ${data.note && html`<span class="dl-note">${data.note}</span>`}
    </div>
    <${Part} model=${pane} data=${data} send=${send} GraphPane=${GraphPane} />
  </div>`;
}

export function Compare({ model, views, useTrait }) {
  const layout = useTrait(model, "_layout") || {};
  const picture = useTrait(model, "_picture") || {};
  const text = useTrait(model, "_compare") || "{}";
  const data = useMemo(() => ({ ...JSON.parse(text), picture, layout }), [text, picture, layout]);
  const send = useMemo(() => (content) => model.send(content), [model]);
  return html`<${CompareBody} model=${model} data=${data} send=${send} views=${views} embedded=${false} />`;
}
