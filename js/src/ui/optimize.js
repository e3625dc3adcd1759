// OptimizeView (`_kind` "optimize"): a DSPy optimizer watched on the program's graph, then before and after.
// Drawn from the kernel's JSON (lab/model/presenter_optimize.py): `_optimize` is the panel (state, phase,
// progress, the trials with the best-so-far line, the note on what the run returns, and at the end `after`:
// the before/after comparison as ComparePresenter.render_embedded gives it, drawn by CompareBody, plus the
// per-node instruction diffs and demos added); `_picture` is the graph's picture with an `optimize` part,
// the per-node badges this file draws on the graph (demos, instruction candidates, which is in the best).
// Clicks go back as messages: {type: "stop"}; the comparison's are tagged {to: "compare"}.
//
// Markup (what tests and styles rely on):
//   .dspyer-optimize[data-state][data-phase]; button.dl-stop; [role=progressbar][data-done][data-total];
//   svg.dl-score-plot > circle[data-trial=n][data-score][data-on][data-best?][data-error?],
//   polyline[data-best] (the best so far); li.dl-trial-problem[data-trial] (a trial's failures or error);
//   g.node[data-opt-demos][data-opt-candidates][data-opt-in-best] > g.dl-opt-badge > text;
//   .dl-opt-after > .dl-opt-node[data-node][data-changed] (del.dl-del / ins.dl-ins, li.dl-demo-added) and
//   the comparison (.dspyer-compare[data-mode], see ui/compare.js).
//
// Every text is a text node (Preact/htm) or set with textContent; nothing from the kernel is parsed as HTML.
import { h } from "preact";
import { useEffect, useMemo, useRef } from "preact/hooks";
import htm from "htm";
import { CompareBody, DiffText } from "./compare.js";
import { shapeBox, svgEl } from "./graph.js";

const html = htm.bind(h);
const PLOT = { w: 420, h: 150, left: 34, right: 10, top: 10, bottom: 24 };

function setAttr(el, name, value) {
  if (value === null || value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) el.setAttribute(name, String(value));
}

// The per-node badges on the drawn graph: a small label under each LLM node, its title the details.
function drawBadges(root, nodes) {
  if (!root) return;
  for (const group of root.querySelectorAll("g.node[data-node]")) {
    const info = nodes[group.getAttribute("data-node")];
    let badge = group.querySelector(":scope > g.dl-opt-badge");
    if (!info) {
      if (badge) badge.remove();
      for (const a of ["data-opt-demos", "data-opt-candidates", "data-opt-in-best"]) setAttr(group, a, null);
      continue;
    }
    setAttr(group, "data-opt-demos", info.demos);
    setAttr(group, "data-opt-candidates", info.candidates);
    setAttr(group, "data-opt-in-best", info.in_best);
    if (!badge) {
      const box = shapeBox(group);
      if (!box) continue;
      badge = svgEl("g", { class: "dl-opt-badge", transform: `translate(${(box.x1 + box.x2) / 2} ${box.y2 + 11})` });
      badge.append(svgEl("title", {}), svgEl("text", { "text-anchor": "middle", "font-size": 9 }));
      group.appendChild(badge);
    }
    const [title, text] = badge.children;
    if (text.textContent !== info.text) text.textContent = info.text;
    if (title.textContent !== info.title) title.textContent = info.title;
  }
}

function BadgedGraph({ model, GraphPane, layout, picture }) {
  const box = useRef(null);
  const nodes = (picture.optimize && picture.optimize.nodes) || {};
  useEffect(() => {
    const root = box.current;
    drawBadges(root, nodes);
    const watch = new MutationObserver(() => drawBadges(root, nodes));
    watch.observe(root, { childList: true, subtree: true });
    return () => watch.disconnect();
  }, [nodes]);
  const legend = html`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;
  return html`<div class="dl-opt-graph" ref=${box}>
    <${GraphPane} model=${model} layout=${layout} picture=${picture} legend=${legend} />
  </div>`;
}

// Score per trial (DSPy's percentage) and the best so far; trials on a minibatch drawn hollow.
function ScorePlot({ trials, line }) {
  const scored = trials.filter((t) => t.score !== null && t.score !== undefined);
  const last = Math.max(1, ...trials.map((t) => t.n));
  const high = Math.max(100, ...scored.map((t) => t.score));
  const low = Math.min(0, ...scored.map((t) => t.score));
  const x = (n) => PLOT.left + ((PLOT.w - PLOT.left - PLOT.right) * (last === 1 ? 0.5 : (n - 1) / (last - 1)));
  const y = (s) => PLOT.top + (PLOT.h - PLOT.top - PLOT.bottom) * (1 - (s - low) / (high - low || 1));
  const ticks = [low, (low + high) / 2, high];
  return html`<svg class="dl-score-plot" viewBox=${`0 0 ${PLOT.w} ${PLOT.h}`} width=${PLOT.w} height=${PLOT.h}
    role="img" aria-label=${`score per trial: ${scored.length} trial(s) scored`} data-trials=${trials.length}>
    ${ticks.map((t) => html`<g class="dl-tick"><line x1=${PLOT.left} x2=${PLOT.w - PLOT.right} y1=${y(t)} y2=${y(t)} />
      <text x=${PLOT.left - 4} y=${y(t) + 3} text-anchor="end">${String(Math.round(t))}</text></g>`)}
    <text class="dl-axis" x=${(PLOT.w + PLOT.left) / 2} y=${PLOT.h - 4} text-anchor="middle">trial</text>
    ${line.length > 0 && html`<polyline class="dl-best-line" data-best=${String(line[line.length - 1][1])}
      points=${line.map(([n, s]) => `${x(n)},${y(s)}`).join(" ")} />`}
    ${trials.map((t) => (t.score === null || t.score === undefined
      ? html`<text class="dl-trial-missing" x=${x(t.n)} y=${PLOT.h - PLOT.bottom} text-anchor="middle"
          data-trial=${t.n} data-error=${t.error ? "true" : undefined}>${t.running ? "…" : "×"}<title>${
          t.running ? `trial ${t.n}: running` : `trial ${t.n}: ${t.error || "no score"}`}</title></text>`
      : html`<circle class="dl-trial" cx=${x(t.n)} cy=${y(t.score)} r=${t.best ? 5 : 3.5} data-trial=${t.n}
          data-score=${t.score} data-on=${t.on} data-best=${t.best ? "true" : undefined}
          data-failed=${t.failed || undefined} data-error=${t.error ? "true" : undefined}>
          <title>${`trial ${t.n}: ${t.score.toFixed(1)} on ${t.examples} example(s) (${t.on}${t.kind ? `, ${t.kind}` : ""})${
            t.failed ? `; ${t.failed} example run(s) failed: ${t.failure}` : ""}${t.best ? " · the best" : ""}`}</title>
        </circle>`))}
  </svg>`;
}

function Problems({ trials }) {
  const bad = trials.filter((t) => t.error || t.failed);
  if (!bad.length) return null;
  return html`<ul class="dl-trial-problems">${bad.map((t) => html`<li class="dl-trial-problem" data-trial=${t.n}>
    ${`trial ${t.n}: `}${t.error ? `ended with ${t.error}` : `${t.failed} example run(s) failed, first: ${t.failure}`}</li>`)}
  </ul>`;
}

function Head({ model, panel }) {
  const p = panel.progress || {};
  const stop = panel.stop || {};
  const width = p.fraction === null || p.fraction === undefined ? null : `${100 * p.fraction}%`;
  return html`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!stop.enabled} title=${stop.hint || ""}
      onClick=${() => model.send({ type: "stop" })}>■ Stop</button>
    <span class="dl-opt-name">${panel.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${p.total ?? undefined}
      aria-valuenow=${p.done || 0} data-done=${p.done || 0} data-total=${p.total ?? ""}
      data-indeterminate=${width === null && panel.state === "optimizing" ? "true" : undefined}>
      <span class="dl-bar-ok" style=${{ width: width ?? (panel.state === "optimizing" ? "0%" : "100%") }}></span>
    </div>
    <span class="dl-status" data-phase=${panel.phase}>${panel.status}</span>
  </div>`;
}

function NodeChanges({ nodes }) {
  return html`<div class="dl-opt-nodes">${nodes.map((n) => html`<div class="dl-opt-node" data-node=${n.node}
    data-changed=${n.changed ? "true" : "false"}>
    <div class="dl-title">${`${n.node}: ${n.changed ? "new instructions" : "instructions unchanged"} · demos ${
      n.demos_before} → ${n.demos_after}`}</div>
    <pre class="dl-value">${n.changed ? html`<${DiffText} ops=${n.diff} keep="-" /><br />→ <${DiffText} ops=${n.diff} keep="+" />`
      : n.instructions}</pre>
    ${n.demos_added.length > 0 && html`<ul class="dl-demos-added">${n.demos_added.map((d) =>
      html`<li class="dl-demo-added">${d}</li>`)}${n.more_demos > 0 && html`<li>${`… ${n.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`;
}

export function Optimize({ model, views, useTrait }) {
  const layout = useTrait(model, "_layout") || {};
  const picture = useTrait(model, "_picture") || {};
  const text = useTrait(model, "_optimize") || "{}";
  const panel = useMemo(() => JSON.parse(text), [text]);
  const send = useMemo(() => (content) => model.send({ ...content, to: "compare" }), [model]);
  const trials = panel.trials || [];
  const after = panel.after;
  return html`<div class="dspyer-compare dspyer-optimize" data-state=${panel.state || "idle"} data-phase=${panel.phase || ""}>
    <${Head} model=${model} panel=${panel} />
    ${panel.error && html`<p class="dl-opt-error" role="alert">${panel.error}</p>`}
    ${panel.note && html`<p class="dl-opt-note">${panel.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${BadgedGraph} model=${model} GraphPane=${views.GraphPane} layout=${layout} picture=${picture} />
      </div>
      <div class="dl-side">
        <${ScorePlot} trials=${trials} line=${panel.best_line || []} />
        <p class="dl-hint">${`${panel.best ? `best ${panel.best.text} (trial ${panel.best.n})` : "no trial scored yet"
          } · filled: a whole set, hollow: a minibatch`}</p>
        <${Problems} trials=${trials} />
      </div>
    </div>
    ${after && html`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${NodeChanges} nodes=${after.nodes || []} />
      <${CompareBody} model=${model} data=${after.compare} send=${send} views=${views} />
    </div>`}
  </div>`;
}
