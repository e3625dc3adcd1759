// The one ESM of dspyer-lab's widgets: GraphView (`_kind` "graph": the graph alone) and LabView
// (`_kind` "lab": graph, toolbar, timeline and panels). Everything is drawn from small JSON the
// kernel sends (synced traits `_layout`, `_picture`, and the panel as JSON strings `_head`, `_timeline`, `_tab`,
// each parsed only when it changes: see usePanel; lab/model/) with
// Preact + htm, which sets every text as a text node (like textContent): data never reaches an
// HTML parser or MathJax. Clicks go back as custom messages {type: "select" | "seek" | "stop" |
// "page" | "attempt" | "call" | "full-text" | "breakpoint" | "resume" | "step" | "fork" | "fork-editor" |
// "show-run" | "tab" | "resend-editor" | "resend" | "use-instructions" | "fork-with" | "drop-variant" |
// "presenter-mode"}; the kernel drives the page's player (ui/player.js) with {type: "player", do: "play" | "pause" | "step"}. Graphviz arrives once per page through loadViz (runtime.js), asked for when the model
// is created; statuses the run took before the first drawing are replayed on it (recordEarly);
// a standalone SVG goes back after the first layout and when a run ends (snapshot.js). Until the
// runtime comes (and for good where no kernel sends it: a saved view in an HTML export, nbviewer, a
// notebook reopened without its kernel) the graph shows the kernel's last static SVG (`_still`) as
// an <img> from a data: URL (an SVG image runs no script; its text is never parsed into the page).
//
// BatchView (`_kind` "batch") is drawn by ui/batch.js from `_picture` (the heatmap) and `_panel`
// (lab/model/batchmodel.py); its messages: {type: "table" | "open" | "close-example" | "stop"}, and
// its opened example's LabView messages tagged {to: "example"}.
//
// Markup contract (browser tests rely on it; keep it stable):
//   .dspyer-lab[data-run-state]                               LabView root
//   .dspyer-graphview[data-run-state]                         the graph (GraphView root, or inside a LabView)
//     g.node[data-node="<name>"][data-status][data-visits][data-selected?]   one per node; <title> = name
//       data-status: idle | running | retrying | done | failed | cancelled
//       [data-calls="<n>"] > g.dl-calls > text              a node that called a model: "2 calls · 1.2k tok · $0.001"
//                                                           (the g's <title>: the totals in full, on hover)
//       [data-progress="3/5"] > g.dl-progress > text        a node with several instances in its latest superstep
//                                                           (a map): "3/5 done" (k ended of the N it runs; the
//                                                           g's <title>: each instance's index, status and failure)
//     g.node[data-marker="start" | "end"]                     the START point and END terminal
//     g.node[data-join="j<i>"] (<title> "w waits for a and b")  a join's junction point; its sources' edges
//                                                           g.edge[data-join="true"] lead into it
//     g.edge[data-edge="e<i>"][data-source][data-target][data-decision?]
//       [data-path="true"][data-times="<n>"]                  every edge the run took (n times)
//       [data-taken="true"]                                   the last edge taken
//       [data-sends="<n>"] > g.dl-sends > text                a router's edge its latest Send map took: "Send ×n"
//     .dl-still > img.dl-still-img[src^="data:image/svg+xml"]   the static picture, until the drawing comes
//       .dl-still-note                                      "static picture: no kernel" once the runtime is late
//     .dl-legend .dl-key[data-status]                         the legend (plus .dl-key[data-path], .dl-key[data-mark="taken"],
//                                                           .dl-key[data-mark="join"] where the graph has a join,
//                                                           .dl-key[data-mark="send"] once a Send map is drawn,
//                                                           and in a LabView .dl-key[data-mark="paused|breakpoint|inherited|diff"])
//   LabView debugger (ui/debugmarks.js, ui/debug.js):
//     g.node[data-node] > g.dl-bp[data-when="before"|"after"][data-on="true"?]   breakpoint pins (click toggles;
//                                                           a faint ring on every node, solid when set)
//     g.node[data-paused="before"|"after"]                    the node the run is paused at
//     g.node[data-inherited="true"]                           a fork's node that ran in the parent before the branch
//     g.node[data-diff="same"|"changed"|"added"|"removed"] > g.dl-diff   a fork's node vs its parent run
//     .dl-debug[data-mode="paused"|"fork"|"idle"] (always there; its .dl-debug-row one row high from the first render):
//       .dl-paused-at, .dl-paused-next (what the next superstep runs: "next: 'summarize' ×5"), button.dl-continue, button.dl-step,
//       button.dl-fork-open ("Run from here…"), button.dl-fork-run, button.dl-fork-cancel, .dl-fork-note,
//       select.dl-runs (one option per run of the view), .dl-diff-note,
//       .dl-state .dl-field[data-field="<name>"][data-edited?][data-invalid?] > textarea.dl-field-value,
//       .dl-edit-error (under the field it names, or for the whole edit),
//       .dl-bp-list > button.dl-bp-item[data-node][data-when] (click: clear it), button.dl-bp-clear-all
//       (button.dl-fork-open only where the kernel says a fork can start)
//     at a person's step (ui/answer.js): .dl-paused-at[data-waiting="true"], one .dl-ask[data-ask][data-kind][data-node]
//       per question: .dl-ask-question, .dl-ask-inputs, .dl-answer-field[data-field][data-widget][data-invalid?]
//       > .dl-answer-input, .dl-answer-error; button.dl-answer-submit (button.dl-answer-yes / .dl-answer-no for a
//       yes/no question); BatchView: .dl-review > .dl-review-row[data-index] (the review queue, oldest first)
//   .dl-toolbar: three .dl-toolbar-line rows, each one row high from the first render:
//                button.dl-stop[disabled?][title=hint]  .dl-status[data-stored?] (title: status + where runs are stored)  .dl-stop-hint
//                .dl-calls-line > .dl-run-calls (the run's model calls, tokens, cost, model vs other time; once it made a call)
//                .dl-replay-line > .dl-player (ui/player.js: ▶/⏸, steps, speed)  input.dl-replay[type=range][min][max][value]
//                  .dl-replay-note (once a run is over; while playing, the slider shows the player's position)
//                button.dl-presenter-toggle[aria-pressed] (first line, at its end)
//   .dspyer-lab[tabindex="0"][data-playing?][data-presenter?]: focused, space / ← / → drive the player; presenter
//                mode hides the timeline, the tabs and the debugger's bar and shows .dl-essentials (see Essentials)
//   .dl-timeline: .dl-position, button.dl-older / .dl-newer / .dl-newest,
//                 .dl-row[data-index][data-kind][data-mine?] (> .dl-when, .dl-node, .dl-kind, .dl-text)
//                 (token chunks are no rows: one .dl-row[data-kind="token"] per streamed field sums them up)
//   .dl-tabs > button.dl-tab[data-tab="node|calls|validation|result|error|waterfall"][aria-selected]
//   .dl-panel[data-tab] (fixed height: it scrolls; a tab not yet sent by the kernel: .dl-note "loading…"):
//                 .dl-scope, select.dl-picker, .dl-facts, .dl-title, .dl-note, pre.dl-pre,
//                 table.dl-table (tr.dl-changed), .dl-clipped > button.dl-more, details.dl-fold > pre
//                 details.dl-msg[data-role][open?] > summary (.dl-role, .dl-size) + pre.dl-pre   a message sent
//                 pre.dl-stream[data-field][data-live="true|false"]   the text a model streams (node and calls tabs)
//                 ul.dl-instances > li > button.dl-instance[data-visit][data-status][data-selected?]   a map's
//                 instances in the node tab (label "#2", status, duration, failure; click: {type: "select", visit})
//   .dl-panel[data-tab="calls"] > .dl-pg[data-call] (ui/calls.js Playground, from head.debug.playground):
//                 .dl-pg-bar > button.dl-pg-open[aria-expanded] ("Edit and send again"), .dl-pg-version;
//                 .dl-pg-editor[data-mode="structured|messages"] > .dl-pg-modes (radios), textarea.dl-pg-instructions,
//                 textarea.dl-pg-demos, label[data-input] > textarea.dl-pg-input, label[data-role] >
//                 textarea.dl-pg-message, select.dl-pg-model-pick, button.dl-pg-send, .dl-edit-error[role=alert];
//                 .dl-pg-variants > .dl-pg-card[data-variant="original|<id>"][data-pending?] > .dl-verdict[data-pass],
//                 table.dl-pg-fields tr[data-field][data-invalid?] (.dl-pg-field-error next to the value),
//                 details.dl-pg-completion, button.dl-pg-use, button.dl-pg-fork, button.dl-pg-drop
//   .dl-panel[data-tab="waterfall"] > .dl-waterfall (ui/waterfall.js): .dl-scope (visits shown, lanes, time span),
//                 .dl-lane[data-lane="1|2|…"] (bars packed by time: one lane for a sequential run, one more per
//                 branch running at once; label "lane 1") > .dl-lane-track >
//                 .dl-bar[data-visit][data-node][data-task][data-status][data-live?][data-selected?] (one per node visit, placed
//                 on the run's time axis; title = duration, calls, tokens; click: {type: "select", visit})
//                 > .dl-call[data-attempt][data-outcome="answer|rejected|cached"] (its model calls; title = tokens, time)
//   .dspyer-batch[data-run-state][data-measure]               BatchView root (`_kind` "batch", ui/batch.js)
//     .dl-batch-progress: button.dl-stop, .dl-bar[data-done][data-total], .dl-status[data-stored?] (done/total, rate, ...; title: where the batch is stored)
//     select.dl-measure                                       what the heatmap colours by
//     .dspyer-graphview (as above; every node idle) with, per node, g.node[data-heat="0..5"] (<title> = its
//       numbers) and, per edge taken, g.edge[data-count][data-weight="1..5"]; .dl-legend .dl-key[data-heat]
//     table.dl-nodes tr[data-node] > td[data-measure][data-chosen?]
//     .dl-examples: select.dl-filter, button.dl-prev / .dl-next, .dl-position,
//       th[data-col][aria-sort] > button.dl-sort,
//       tr.dl-example[data-index][data-status][data-kept][data-open?] > td[data-col]   (click: open it)
//     .dl-opened[data-index] > .dl-close, .dspyer-lab (the opened example's LabView, as above)
import { h, render as mount } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import htm from "htm";
import { ASK_AGAIN_MS, loadViz, runtimeWaiting } from "./runtime.js";
import { sendSnapshot } from "./snapshot.js";
import { Batch } from "./ui/batch.js";
import { Compare } from "./ui/compare.js";
import { Optimize } from "./ui/optimize.js";
import { Runs } from "./ui/runs.js";
import { Message, Playground, RunCalls, StreamText, drawCallTotals } from "./ui/calls.js";
import { Drawing, STATUSES, layoutGraph, shapeBox } from "./ui/graph.js";
import { Debugger } from "./ui/debug.js";
import { addDebugMarks, applyDebugMarks, pinOf } from "./ui/debugmarks.js";
import { Instances, drawProgress, drawSends } from "./ui/parallel.js";
import { Waterfall } from "./ui/waterfall.js";
import { PlayerControls, playerKeys, useKernelPlayer } from "./ui/player.js";

const html = htm.bind(h);
const TERMINAL = new Set(["finished", "failed", "cancelled"]);

// The trait's value, re-rendering on each change. Read again once subscribed: a change that lands between the
// first render and this effect (an opened example's selection, set right after its run is shown) is not lost.
function useTrait(model, name) {
  const [value, setValue] = useState(() => model.get(name));
  useEffect(() => {
    const update = () => setValue(model.get(name));
    model.on(`change:${name}`, update);
    update();
    return () => model.off(`change:${name}`, update);
  }, [model, name]);
  return value;
}

// ---- the graph --------------------------------------------------------------------------

// Every mark the graph can draw, each drawn as the graph draws it (widget.css, ui/debug.css): the statuses,
// the path taken and its last edge; with `debug` (LabView), the debugger's marks too.
const DEBUG_KEYS = [
  ["paused", "paused here"],
  ["breakpoint", "breakpoint (click a ◌ to set)"],
  ["inherited", "ran before the fork"],
  ["diff", "output ≠ parent run"],
];

// `joins`: the graph draws a join's junction; `sends`: a router's edge is marked as a Send map (only then keyed).
function Legend({ debug, joins, sends }) {
  return html`<div class="dl-legend" aria-label="legend">
    ${STATUSES.map((s) => html`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${joins && html`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${sends && html`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${debug && DEBUG_KEYS.map(([mark, text]) => html`<span class="dl-key" data-mark=${mark}><span
      class="dl-swatch" aria-hidden="true">${mark === "diff" ? "≠" : ""}</span>${text}</span>`)}
  </div>`;
}

// The kernel's last static picture, shown while the live drawing has not come.
function Still({ svg, stalled }) {
  if (!svg) return null;
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return html`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${src} />
    ${stalled && html`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`;
}

// model -> the node statuses its `_picture` took before the model's first drawing (recorded from
// `initialize`, before any view renders): on a fresh page the run may be under way before Graphviz
// arrives, and a node that ran meanwhile would never be seen `running`. The first drawing replays them.
const early = new WeakMap();
const EARLY_MAX = 40;
const REPLAY_MS = 600; // the whole replay, however many steps: brief

function recordEarly(model) {
  const seen = [];
  const record = () => {
    const status = (model.get("_picture") || {}).status;
    if (!status) return;
    const last = seen[seen.length - 1];
    if (last && JSON.stringify(last) === JSON.stringify(status)) return;
    seen.push(status);
    if (seen.length > EARLY_MAX) seen.splice(1, 1); // keep the first, and the newest
  };
  record();
  model.on("change:_picture", record);
  early.set(model, { seen, stop: () => model.off("change:_picture", record) });
}

// The statuses seen before this drawing that differ from the current ones: [] when there is nothing to replay.
function takeEarly(model) {
  const entry = early.get(model);
  if (!entry) return [];
  entry.stop();
  early.delete(model);
  return entry.seen.length > 1 ? entry.seen : [];
}

async function replayEarly(drawn, history, latest, alive) {
  if (!history.length) return;
  const step = REPLAY_MS / history.length;
  for (const status of history) {
    if (!alive()) return;
    drawn.apply({ ...latest.current, status });
    await new Promise((resolve) => setTimeout(resolve, step));
  }
}

// What is drawn next to the nodes and edges: model-call totals, a map's progress, a Send map's edge.
function drawAnnotations(drawn, picture) {
  drawCallTotals(drawn, picture.calls);
  drawProgress(drawn, picture.progress);
  drawSends(drawn, picture.sends);
}

// `debug` (LabView only): {breakpoints, enabled}: breakpoint pins on the nodes (ui/debugmarks.js).
// `legend` (BatchView): drawn instead of the status legend.
function GraphPane({ model, layout, picture, debug, legend }) {
  const stage = useRef(null);
  const drawing = useRef(null);
  const latest = useRef(picture);
  const lastState = useRef(picture.run_state);
  const [error, setError] = useState("");
  const [live, setLive] = useState(false);
  const [stalled, setStalled] = useState(false);
  const still = useTrait(model, "_still") || "";
  latest.current = picture;
  const marks = useRef(debug);
  marks.current = debug;

  useEffect(() => {
    const timer = setTimeout(() => setStalled(runtimeWaiting()), ASK_AGAIN_MS);
    return () => clearTimeout(timer);
  }, []);

  useEffect(() => {
    let live = true;
    drawing.current = null;
    if (!layout.dot) return undefined;
    (async () => {
      try {
        const viz = await loadViz(model);
        const font = getComputedStyle(stage.current).fontFamily;
        const svg = await layoutGraph(viz, layout.dot, font);
        if (!live) return;
        const drawn = new Drawing(svg, layout);
        const history = takeEarly(model);
        drawn.apply(history.length ? { ...latest.current, status: history[0] } : latest.current);
        if (marks.current) {
          addDebugMarks(drawn, shapeBox);
          applyDebugMarks(drawn, latest.current, marks.current.breakpoints, marks.current.enabled);
        }
        stage.current.replaceChildren(svg);
        drawAnnotations(drawn, latest.current);
        setLive(true);
        setError("");
        await replayEarly(drawn, history, latest, () => live);
        if (!live) return;
        drawn.apply(latest.current);
        if (marks.current) applyDebugMarks(drawn, latest.current, marks.current.breakpoints, marks.current.enabled);
        drawAnnotations(drawn, latest.current);
        drawing.current = drawn;
        requestAnimationFrame(() => sendSnapshot(model, svg));
      } catch (err) {
        if (live) setError(`Could not lay out the graph: ${err && err.message ? err.message : err}`);
      }
    })();
    return () => {
      live = false;
    };
  }, [layout.dot]);

  useEffect(() => {
    const drawn = drawing.current;
    if (!drawn) return;
    drawn.apply(picture);
    drawAnnotations(drawn, picture);
    const state = picture.run_state;
    if (state !== lastState.current && TERMINAL.has(state)) {
      requestAnimationFrame(() => sendSnapshot(model, drawn.svg));
    }
    lastState.current = state;
  }, [picture]);

  useEffect(() => {
    if (drawing.current && debug) applyDebugMarks(drawing.current, picture, debug.breakpoints, debug.enabled);
  }, [picture, debug && debug.breakpoints, debug && debug.enabled]);

  const pick = (event) => {
    const pin = debug && debug.enabled ? pinOf(event, stage.current) : null;
    if (pin) {
      if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      model.send({ type: "breakpoint", node: pin.node, when: pin.when });
      return;
    }
    const group = event.target.closest?.("g.node[data-node]");
    if (!group || !stage.current.contains(group)) return;
    if (event.type === "keydown" && event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    const name = group.getAttribute("data-node");
    model.send({ type: "select", node: picture.selected === name ? "" : name });
  };

  const state = picture.run_state || "idle";
  return html`<div class="dspyer-graphview" data-run-state=${state}>
    <div class="dl-caption">${state === "idle" ? "" : state}</div>
    ${!live && html`<${Still} svg=${still} stalled=${stalled} />`}
    <div class="dl-stage" ref=${stage} onClick=${pick} onKeyDown=${pick}></div>
    ${error && html`<pre class="dl-error">${error}</pre>`}
    ${legend || html`<${Legend} debug=${Boolean(debug)} joins=${Object.keys(layout.joins || {}).length > 0}
      sends=${Object.keys(picture.sends || {}).length > 0} />`}
  </div>`;
}

function GraphOnly({ model }) {
  const layout = useTrait(model, "_layout") || {};
  const picture = useTrait(model, "_picture") || {};
  return html`<${GraphPane} model=${model} layout=${layout} picture=${picture} />`;
}

// ---- the panels -------------------------------------------------------------------------

function useFullTexts(model) {
  const [texts, setTexts] = useState({});
  useEffect(() => {
    const onMessage = (message) => {
      if (!message || message.type !== "full-text" || typeof message.handle !== "string") return;
      setTexts((old) => ({ ...old, [message.handle]: String(message.text ?? "") }));
    };
    model.on("msg:custom", onMessage);
    return () => model.off("msg:custom", onMessage);
  }, [model]);
  const ask = (handle) => {
    if (!Object.hasOwn(texts, handle)) model.send({ type: "full-text", handle });
  };
  return { texts, ask };
}

function Cell({ cell, full }) {
  if (typeof cell === "string" || cell === null || cell === undefined) return String(cell ?? "");
  const text = full.texts[cell.full];
  if (text !== undefined) return text;
  return html`<span class="dl-clipped">${cell.text}<button class="dl-more" title="show the full value"
    onClick=${() => full.ask(cell.full)}>show all</button></span>`;
}

function Fold({ block, full }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) full.ask(block.full);
  }, [open, block.full]);
  const text = full.texts[block.full];
  return html`<details class="dl-fold" open=${open} onToggle=${(e) => setOpen(e.currentTarget.open)}>
    <summary>${block.fold}</summary>
    <pre class="dl-pre">${open ? (text ?? "loading…") : ""}</pre>
  </details>`;
}

function Table({ table, full }) {
  const changed = new Set(table.changed || []);
  return html`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${table.head.map((t) => html`<th>${t}</th>`)}</tr></thead>
    <tbody>${table.rows.map((row, i) => html`<tr class=${changed.has(i) ? "dl-changed" : ""}>
      ${row.map((cell, j) => (j === 0 ? html`<th scope="row">${cell}</th>` : html`<td><${Cell} cell=${cell} full=${full} /></td>`))}
    </tr>`)}</tbody>
  </table></div>`;
}

// `onSelect` (the node tab): a click on one of a map's instances selects its visit.
function Blocks({ blocks, full, onSelect }) {
  return (blocks || []).map((b) => {
    if (b.facts) return html`<div class="dl-facts"><b>${b.facts[0]}</b>${b.facts.slice(1).map((f) => ` · ${f}`)}</div>`;
    if (b.title !== undefined) return html`<div class="dl-title">${b.title}</div>`;
    if (b.note !== undefined) return html`<div class="dl-note">${b.note}</div>`;
    if (b.pre !== undefined) return html`<pre class="dl-pre"><${Cell} cell=${b.pre} full=${full} /></pre>`;
    if (b.table) return html`<${Table} table=${b.table} full=${full} />`;
    if (b.fold !== undefined) return html`<${Fold} block=${b} full=${full} />`;
    if (b.message) return html`<${Message} message=${b.message} full=${full} Cell=${Cell} />`;
    if (b.stream) return html`<${StreamText} stream=${b.stream} />`;
    if (b.instances && onSelect) return html`<${Instances} rows=${b.instances} onSelect=${onSelect} />`;
    return null;
  });
}

function Picker({ label, picker, onPick }) {
  if (!picker) return null;
  const index = picker.options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(picker.value));
  return html`<label class="dl-pick">${label}
    <select class="dl-picker" value=${String(index)}
      onChange=${(e) => onPick(picker.options[+e.currentTarget.value].value)}>
      ${index < 0 && html`<option value="-1">—</option>`}
      ${picker.options.map((o, i) => html`<option value=${String(i)}>${o.label}</option>`)}
    </select></label>`;
}

// Three lines, each kept from the first render whether it has something to say or not (the status;
// the run's model calls; the replay slider), so nothing under them moves while a run goes on or ends.
function Toolbar({ model, toolbar, play, presenter }) {
  const bar = toolbar || {};
  const stop = bar.stop || {};
  const replay = bar.replay;
  const blocked = !stop.enabled && bar.run_state === "running" && stop.hint;
  const stored = useTrait(model, "_store_note") || "";  // where runs go: on hover, so nothing moves
  const playing = play.state.playing;
  return html`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${stop.shown && html`<button class="dl-stop" disabled=${!stop.enabled} title=${stop.hint || ""}
        onClick=${() => model.send({ type: "stop" })}>■ Stop</button>`}
      <span class="dl-status" title=${[bar.status, stored].filter(Boolean).join("\n")}
        data-stored=${stored || undefined}>${bar.status || ""}</span>
      ${blocked && html`<span class="dl-stop-hint" title=${stop.hint}>${stop.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${presenter ? "true" : "false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${() => model.send({ type: "presenter-mode", on: !presenter })}>${presenter ? "✕ Presenter" : "Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${RunCalls} text=${bar.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${replay && html`<${PlayerControls} player=${play.player} state=${play.state} mode=${play.mode}
          setMode=${play.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${replay.max} value=${playing ? play.state.pos : replay.value}
          onInput=${(e) => {
            play.player.pause();
            model.send({ type: "seek", step: +e.currentTarget.value });
          }} /></label>
        <span class="dl-replay-note" title=${replay.note || ""}>${replay.note}</span>`}
    </div>
  </div>`;
}

// Presenter mode's panel (head.presenter, lab/model/viewmodel.py essentials_json): the node shown (the one
// running at the frame seen while playing), what it read, what the model said, why it was rejected; texts only.
//   .dl-essentials[data-node][data-status] > .dl-ess-head (.dl-ess-node, .dl-ess-facts), .dl-ess-read > .dl-ess-field (.dl-ess-key, .dl-ess-value),
//     .dl-ess-said > .dl-ess-title + pre.dl-ess-text, .dl-ess-rejected > .dl-ess-reject
function Essentials({ info }) {
  return html`<div class="dl-essentials" data-node=${info.node || undefined} data-status=${info.status || undefined}>
    ${info.node ? html`<div class="dl-ess-head"><span class="dl-ess-node">${info.node}</span>
      <span class="dl-ess-facts">${info.facts}</span></div>` : html`<div class="dl-ess-note">${info.note}</div>`}
    ${info.read && info.read.length > 0 && html`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${info.read.map(([k, v]) => html`<div class="dl-ess-field"><span class="dl-ess-key">${k}</span>${" "}<span
        class="dl-ess-value">${v}</span></div>`)}</section>`}
    ${info.said && html`<section class="dl-ess-said"><div class="dl-ess-title">${info.said.title}</div>
      <pre class="dl-ess-text">${info.said.text}</pre></section>`}
    ${info.rejected && info.rejected.length > 0 && html`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${info.rejected.map((r) => html`<div class="dl-ess-reject"><b>${r.attempt}</b> · ${r.fields} · ${r.retry}
        <pre class="dl-ess-text">${r.text}</pre></div>`)}</section>`}
  </div>`;
}

function Timeline({ model, timeline }) {
  if (!timeline || !timeline.rows) return null;
  const page = (offset) => model.send({ type: "page", offset });
  const size = timeline.rows.length || 1;
  return html`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!timeline.older} onClick=${() => page(timeline.offset + size)}>◀ older</button>
      <button class="dl-newer" disabled=${!timeline.newer} onClick=${() => page(Math.max(0, timeline.offset - size))}>newer ▶</button>
      <button class="dl-newest" disabled=${!timeline.newer} onClick=${() => page(0)}>newest</button>
      <span class="dl-position" title=${timeline.position}>${timeline.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${timeline.rows.map((r) => html`<div class="dl-row" role="option" tabindex="0" data-index=${r.i} data-kind=${r.kind}
        data-mine=${r.mine ? "true" : undefined} title=${`${r.t}  ${r.node}  ${r.kind}  ${r.text}`}
        onClick=${() => model.send({ type: "select", event: r.i })}
        onKeyDown=${(e) => e.key === "Enter" && model.send({ type: "select", event: r.i })}>
        <span class="dl-when">${r.t}</span>${" "}<span class="dl-node">${r.node}</span>${" "}<span
          class="dl-kind">${r.kind}</span>${" "}<span class="dl-text">${r.text}</span>
      </div>`)}
    </div>
  </div>`;
}

// The panel arrives in three JSON strings, each parsed only when it changes: `_head` {toolbar, tabs (ids
// and titles), focus: {tab, n}, debug}, `_timeline`, and `_tab` {id, ...} (only the tab the kernel thinks
// is shown). The browser keeps the last body it got per tab id, so a tab switch shows at once (stale
// until the kernel answers the {type: "tab"} it sends). A BatchView's opened example, which changes only
// when another example opens, comes as one `_panel` string {head, timeline, tab} (ui/batch.js).
const TAB_IDS = ["node", "calls", "validation", "result", "error", "waterfall"];

function parseJson(text) {
  return text ? JSON.parse(text) : {};
}

function bodiesOf(tab) {
  return tab && typeof tab.id === "string" ? { [tab.id]: tab } : {};
}

function usePanel(model) {
  const split = model.get("_head") !== undefined;
  const headText = useTrait(model, split ? "_head" : "_panel");
  const timelineText = useTrait(model, split ? "_timeline" : "_panel");
  const tabText = useTrait(model, split ? "_tab" : "_panel");
  const whole = useMemo(() => (split ? null : parseJson(headText)), [split, headText]);
  const head = useMemo(() => (whole ? whole.head || {} : parseJson(headText)), [whole, headText]);
  const timeline = useMemo(() => (whole ? whole.timeline : parseJson(timelineText)), [whole, timelineText]);
  const fresh = useMemo(() => bodiesOf(whole ? whole.tab : parseJson(tabText)), [whole, tabText]);
  const kept = useRef({});
  kept.current = { ...kept.current, ...fresh };
  return { head, timeline, bodies: kept.current };
}

// model -> {tab, n}: the tab shown and the last focus request (`head.focus.n`) applied, shared by every
// view of the model (two views of one model show the same tab).
const tabsSeen = new WeakMap();

function Tabs({ model, head, bodies, full }) {
  const focus = head.focus || {};
  const [tab, showTab] = useState(() => {
    const seen = tabsSeen.get(model);
    return seen && seen.n === focus.n ? seen.tab : focus.tab || "node";
  });
  const setTab = (id, ask) => {
    tabsSeen.set(model, { tab: id, n: focus.n });
    showTab(id);
    if (ask) model.send({ type: "tab", tab: id });
  };
  // A layout effect: the tab the kernel asks for is shown in the same task as the panel that asks,
  // so a click that lands after the panel is on screen is never undone by a late focus.
  useLayoutEffect(() => {
    const seen = tabsSeen.get(model);
    if (seen && seen.n === focus.n) return; // applied already (by this view or an earlier one)
    setTab(focus.tab || tab, false);
  }, [focus.n]);
  const shown = bodies[tab];
  const body = (id, b) => {
    if (!b) return html`<div class="dl-note">loading…</div>`;
    if (id === "node") return html`<${Picker} label="visit" picker=${b.visits}
        onPick=${(v) => model.send({ type: "select", visit: v })} />
      <${Blocks} blocks=${b.blocks} full=${full} onSelect=${(v) => model.send({ type: "select", visit: v })} />`;
    if (id === "calls") return html`<div class="dl-scope">${b.scope}</div>
      <${Picker} label="call" picker=${b.calls} onPick=${(v) => model.send({ type: "call", index: v })} />
      <${Playground} model=${model} pg=${head.debug && head.debug.playground} Cell=${Cell} full=${full} />
      <${Blocks} blocks=${b.blocks} full=${full} />`;
    if (id === "validation") return html`<div class="dl-scope">${b.scope}</div>
      <${Picker} label="attempt" picker=${b.attempts}
        onPick=${(v) => model.send({ type: "attempt", key: v })} />
      <${Blocks} blocks=${b.blocks} full=${full} />`;
    if (id === "waterfall") return html`<${Waterfall} model=${model} body=${b} />`;
    return html`<${Blocks} blocks=${b.blocks} full=${full} />`;
  };
  return html`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(head.tabs || []).map((t) => html`<button class="dl-tab" role="tab" data-tab=${t.id}
        data-alert=${t.alert ? "true" : undefined} aria-selected=${t.id === tab ? "true" : "false"}
        onClick=${() => setTab(t.id, true)}>${t.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${tab}>${TAB_IDS.includes(tab) ? body(tab, shown) : null}</div>
  </div>`;
}

function Lab({ model }) {
  const layout = useTrait(model, "_layout") || {};
  const picture = useTrait(model, "_picture") || {};
  const { head, timeline, bodies } = usePanel(model);
  const full = useFullTexts(model);
  const breakpoints = useTrait(model, "breakpoints");
  const debug = useMemo(() => ({ breakpoints, enabled: Boolean(head.debug && head.debug.can_break) }),
    [breakpoints, head.debug && head.debug.can_break]);
  const state = (head.toolbar && head.toolbar.run_state) || picture.run_state || "idle";
  // The player's part: a LabView's own `_play` (once per run), an opened run's `head.play`.
  const playText = useTrait(model, "_play");
  const playPart = useMemo(() => head.play || (playText ? JSON.parse(playText) : null), [head.play, playText]);
  const play = useKernelPlayer(model, head.toolbar && head.toolbar.replay, playPart);
  const presenter = head.presenter;
  // Focusable, so that space / left / right drive the player once the view is clicked; the frontend's own
  // shortcuts (Lumino's: Notebook 7 takes the arrows) stay out of keys typed in the view.
  return html`<div class="dspyer-lab" data-run-state=${state} data-presenter=${presenter ? "true" : undefined}
      data-playing=${play.state.playing ? "true" : undefined} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${(e) => head.toolbar && head.toolbar.replay && playerKeys(play.player, play.mode, e)}>
    <${Toolbar} model=${model} toolbar=${head.toolbar} play=${play} presenter=${Boolean(presenter)} />
    <${Debugger} model=${model} debug=${head.debug} breakpoints=${breakpoints} />
    <div class="dl-body">
      <div class="dl-main">
        <${GraphPane} model=${model} layout=${layout} picture=${picture} debug=${debug} />
        <${Timeline} model=${model} timeline=${timeline} />
      </div>
      ${presenter && html`<${Essentials} info=${presenter} />`}
      <${Tabs} model=${model} head=${head} bodies=${bodies} full=${full} />
    </div>
  </div>`;
}

// Ask for the Graphviz runtime as soon as the model exists, before any view renders (the kernel also
// pushes it at its first display), and record the statuses the run takes until the first drawing.
function initialize({ model }) {
  loadViz(model).catch(() => {});
  recordEarly(model);
}

function BatchApp({ model }) {
  return html`<${Batch} model=${model} views=${{ GraphPane, Lab }} useTrait=${useTrait} />`;
}

// RunsView (`_kind` "runs", ui/runs.js) and CompareView (`_kind` "compare", ui/compare.js) draw opened runs
// with the same parts as BatchApp.
function RunsApp({ model }) {
  return html`<${Runs} model=${model} views=${{ GraphPane, Lab }} useTrait=${useTrait} />`;
}

function CompareApp({ model }) {
  return html`<${Compare} model=${model} views=${{ GraphPane, Lab }} useTrait=${useTrait} />`;
}

// OptimizeView (`_kind` "optimize", ui/optimize.js): an optimizer's trials on the program's graph.
function OptimizeApp({ model }) {
  return html`<${Optimize} model=${model} views=${{ GraphPane, Lab }} useTrait=${useTrait} />`;
}

function render({ model, el }) {
  const App = { lab: Lab, batch: BatchApp, runs: RunsApp, compare: CompareApp, optimize: OptimizeApp }[model.get("_kind")]
    || GraphOnly;
  mount(html`<${App} model=${model} />`, el);
  return () => mount(null, el);
}

export default { initialize, render };
