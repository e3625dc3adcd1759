// The page of an exported run (lab/model/export.py): the widget's own LabView (widget.js) over a stand-in
// model whose frames were computed at export, so the page shows exactly what the lab shows, with no kernel,
// no network and no Graphviz runtime.
//
// - The data is the <script type="application/json" id="dl-export-data"> block, read with JSON.parse: {title,
//   encoding, data}, data being gzip + base64 of {labels, runs: [{layout, svg, play, scalars, nodes, frames, texts}]}. Frames are hash-consed (export.py
//   `_Table`): a reference r >= 0 is scalars[r]; r < 0 is nodes[-r-1]: [0, r...] a list, [1, key, r, ...] a dict,
//   [2, r...] the concatenation of the lists referenced. A frame is decoded when shown.
// - The graph was laid out by `dot` at export: the runtime the view asks for (runtime.js's page-global promise)
//   is settled here with a stand-in whose renderSVGElement gives that SVG; the widget's Drawing then applies each
//   frame's picture to it, as in a notebook.
// - The model answers what a read-only page can: {type: "seek"} shows a frame (the player in widget.js, the same
//   clock as in a notebook, waits for the toolbar's replay value to say so), {type: "tab"} the tab asked,
//   {type: "presenter-mode"} the frames' essentials or not, {type: "full-text"} a clipped value's text. Other
//   clicks (select, page, the debugger) change nothing.
// - Several runs (a BatchView's examples): select.dl-export-run picks the one shown.
// Markup: html[data-first-frame="<ms after navigation start>"] once the first frame's graph is on screen;
// #dl-export[data-run="<index>"] > .dspyer-lab (widget.js's markup contract).
import widget from "./widget.js";

const VIZ = Symbol.for("dspyer-lab.viz");
const PENDING = Symbol.for("dspyer-lab.viz.pending");
const TAB_IDS = ["node", "calls", "validation", "result", "error"]; // export.py TABS

// obj[key] = value, also for a key "__proto__" (a field name from the run: an own property, as JSON.parse makes).
function put(obj, key, value) {
  if (key === "__proto__") Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function decoder(run) {
  const memo = new Map();
  const get = (r) => {
    if (r >= 0) return run.scalars[r];
    if (memo.has(r)) return memo.get(r);
    const item = run.nodes[-r - 1];
    let value;
    if (item[0] === 1) {
      value = {};
      for (let i = 1; i < item.length; i += 2) put(value, item[i], get(item[i + 1]));
    } else if (item[0] === 2) {
      value = [];
      for (let i = 1; i < item.length; i += 1) value.push(...get(item[i]));
    } else value = item.slice(1).map(get);
    memo.set(r, value);
    return value;
  };
  return get;
}

// The stand-in for anywidget's model: traits by name, "change:<name>" and "msg:custom" listeners.
function exportModel(run) {
  const get = decoder(run);
  const listeners = new Map();
  const emit = (event, ...args) => (listeners.get(event) || []).slice().forEach((f) => f(...args));
  const last = run.frames.length - 1;
  let frame = null;
  let tab = "node";
  let presenter = false;
  let focusN = -1; // the last focus request of the frames applied (head.focus.n), as the live Tabs does
  const traits = { _kind: "lab", _layout: run.layout, _play: JSON.stringify(run.play), _still: "", _store_note: "",
    breakpoints: { before: [], after: [] } };
  const head = () => JSON.stringify({ ...frame.head, presenter: presenter ? frame.essentials : null });
  const tabText = () => JSON.stringify({ id: tab, ...(frame.tabs[tab] || {}) });
  const set = (changes) => {
    Object.assign(traits, changes);
    for (const name of Object.keys(changes)) emit(`change:${name}`);
  };
  const show = (p) => {
    frame = get(run.frames[Math.max(0, Math.min(last, p))]);
    const focus = frame.head.focus;
    if (focus && TAB_IDS.includes(focus.tab) && focus.n !== focusN) {
      focusN = focus.n;
      tab = focus.tab;
    }
    set({ _picture: frame.picture, _head: head(), _timeline: JSON.stringify(frame.timeline), _tab: tabText() });
  };
  const model = {
    get: (name) => traits[name],
    on(event, f) {
      listeners.set(event, [...(listeners.get(event) || []), f]);
    },
    off(event, f) {
      listeners.set(event, (listeners.get(event) || []).filter((g) => g !== f));
    },
    send(message) {
      if (!message || typeof message !== "object") return;
      if (message.type === "seek" && Number.isInteger(message.step)) show(message.step);
      else if (message.type === "tab" && TAB_IDS.includes(message.tab)) {
        tab = message.tab;
        set({ _tab: tabText() });
      } else if (message.type === "presenter-mode") {
        presenter = Boolean(message.on);
        set({ _head: head() });
      } else if (message.type === "full-text" && typeof message.handle === "string") {
        const index = /^x\d+$/.test(message.handle) ? +message.handle.slice(1) : -1;
        const text = index >= 0 && index < run.texts.length ? run.texts[index] : "";
        queueMicrotask(() => emit("msg:custom", { type: "full-text", handle: message.handle, text }));
      }
    },
  };
  show(last);
  return model;
}

// The page-global Graphviz promise of runtime.js, settled with the layout made at export.
function provideLayout(svgText) {
  const parse = () => {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    return document.importNode(doc.documentElement, true);
  };
  const viz = { renderJSON: () => ({}), renderSVGElement: parse };
  const promise = Promise.resolve(viz);
  globalThis[VIZ] = promise;
  globalThis[PENDING] = { promise, settled: true, asked: new WeakSet(), askedAt: Date.now() };
}

function markFirstFrame(el) {
  const seen = () => {
    if (!el.querySelector(".dl-stage svg")) return false;
    document.documentElement.setAttribute("data-first-frame", performance.now().toFixed(1));
    return true;
  };
  const watch = new MutationObserver(() => seen() && watch.disconnect());
  watch.observe(el, { childList: true, subtree: true });
}

// The data block: {title, encoding: "gzip+base64", data}, data unpacked by the browser's own DecompressionStream.
async function unpack(block) {
  const payload = JSON.parse(block.textContent);
  if (payload.encoding !== "gzip+base64") throw new Error(`unknown encoding ${payload.encoding}`);
  const bytes = Uint8Array.from(atob(payload.data), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

async function main() {
  const source = document.getElementById("dl-export-data");
  const root = document.getElementById("dl-export");
  if (!source || !root) return;
  const data = await unpack(source);
  if (!data.runs.length) return; // a batch with no run kept: its summary is the page
  const app = document.createElement("div");
  let unmount = null;
  const open = (index) => {
    if (unmount) unmount();
    const run = data.runs[index];
    provideLayout(run.svg);
    root.setAttribute("data-run", String(index));
    markFirstFrame(app);
    unmount = widget.render({ model: exportModel(run), el: app });
    requestAnimationFrame(() => app.querySelector(".dspyer-lab")?.focus({ preventScroll: true }));
  };
  const parts = [];
  if (data.runs.length > 1) {
    const label = document.createElement("label");
    label.className = "dl-export-pick";
    label.append("example ");
    const pick = document.createElement("select");
    pick.className = "dl-export-run";
    data.labels.forEach((text, i) => pick.append(new Option(text, String(i))));
    pick.addEventListener("change", () => open(+pick.value));
    label.append(pick);
    parts.push(label);
  }
  const still = root.querySelector(".dl-export-still");
  const kept = still && data.runs.length > 1 && root.getAttribute("data-still") === "keep" ? [still] : [];
  root.replaceChildren(...kept, ...parts, app);
  open(0);
}

main().catch((err) => {
  const note = document.querySelector(".dl-export-note");
  if (note) note.textContent = `This replay could not start (${err && err.message ? err.message : err}): the final picture shows.`;
});
