// One Graphviz runtime per page, delivered by the kernel, with no network and no server extension.
//
// `loadViz(model)` returns the page-global promise of the @viz-js/viz instance, kept on
// globalThis[Symbol.for("dspyer-lab.viz")]. A view that needs it sends {type: "need-runtime"};
// the kernel (lab/widgets/runtime.py) answers with a custom message {type: "runtime"} whose
// buffers[0] holds dspyer_lab/static/viz-runtime.js, imported from a Blob URL (as anywidget
// imports `_esm` itself). Custom messages are not saved in the notebook, so a saved view costs
// only its small `_esm`, never the 1.3 MB engine.
//
// Views share the promise. A view whose kernel never answers (restored from saved widget state,
// kernel gone) must not starve the others: if the pending request is older than ASK_AGAIN_MS, a
// newly rendered view asks through its own model too, and the first delivery serves every view.
// A delivery that fails to import is forgotten, so a later view retries. `runtimeWaiting()` tells a
// view whether the runtime is still to come (it then shows its saved still picture, widget.js).

const KEY = Symbol.for("dspyer-lab.viz");
const PENDING = Symbol.for("dspyer-lab.viz.pending");
export const ASK_AGAIN_MS = 3000;

function importRuntime(bytes) {
  const url = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
  return import(/* webpackIgnore: true */ /* @vite-ignore */ url).finally(() => URL.revokeObjectURL(url));
}

function newPending() {
  const pending = { askedAt: -Infinity, asked: new WeakSet(), settled: false };
  pending.promise = new Promise((resolve, reject) => {
    pending.resolve = resolve;
    pending.reject = reject;
  });
  pending.promise.then(
    () => {
      pending.settled = true;
    },
    () => {
      pending.settled = true;
      if (globalThis[KEY] === pending.promise) {
        delete globalThis[KEY];
        delete globalThis[PENDING];
      }
    },
  );
  globalThis[KEY] = pending.promise;
  globalThis[PENDING] = pending;
  return pending;
}

function ask(model, pending) {
  pending.asked.add(model);
  pending.askedAt = Date.now();
  function onMessage(message, buffers) {
    if (!message || message.type !== "runtime") return;
    model.off("msg:custom", onMessage);
    if (pending.settled) return;
    const bytes = buffers && buffers[0];
    if (!bytes) {
      pending.reject(new Error(message.error || "the kernel sent no Graphviz runtime"));
      return;
    }
    importRuntime(bytes)
      .then((module) => module.instance())
      .then(pending.resolve, pending.reject);
  }
  model.on("msg:custom", onMessage);
  try {
    model.send({ type: "need-runtime" });
  } catch {
    // no kernel behind this model (a saved view): the runtime just does not come from here
  }
}

/** True while no Graphviz runtime has arrived on this page (none asked for, or still on its way). */
export function runtimeWaiting() {
  const pending = globalThis[PENDING];
  return !pending || !pending.settled;
}

/** The page's Graphviz instance (`renderSVGElement(dot, options)`), fetched from the kernel once. */
export function loadViz(model) {
  let pending = globalThis[PENDING];
  if (!globalThis[KEY] || !pending) pending = newPending();
  if (!pending.settled && !pending.asked.has(model) && Date.now() - pending.askedAt > ASK_AGAIN_MS) {
    ask(model, pending);
  }
  return pending.promise;
}
