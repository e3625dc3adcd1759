// A run drawn inside another view (a BatchView's opened example, a RunsView's opened run), with no child
// widget: the kernel mirrors the run's LabView parts into traits of the view (`_open_picture`,
// `_open_panel` {head, timeline, tab}; see lab/widgets/opened.py), and the LabView UI of widget.js draws
// them through `openedModel`, a view of the model that reads those traits in place of a LabView's and
// tags what it sends {to: tag} (the kernel passes it on to the run's presenter, whose replies come back
// tagged the same). The runtime messages (Graphviz) pass through untagged: the page has one runtime.
//
// `names` maps a LabView's trait to the view's own (a view whose opened runs have graphs of their own
// also maps `_layout`). The opened run has no still picture: the view's page has the runtime already.
export function openedModel(model, tag, names = { _picture: "_open_picture", _panel: "_open_panel" }) {
  const wrapped = new Map();
  const traitEvent = (event) => {
    const m = /^change:(.*)$/.exec(event);
    return m ? `change:${names[m[1]] ?? m[1]}` : event;
  };
  const wrap = (event, fn) => {
    if (event !== "msg:custom") return fn;
    if (!wrapped.has(fn)) {
      wrapped.set(fn, (message, buffers) => {
        if (message && (message.to === tag || message.type === "runtime")) fn(message, buffers);
      });
    }
    return wrapped.get(fn);
  };
  return {
    get: (name) => (name === "_still" ? "" : model.get(names[name] ?? name)),
    on: (event, fn) => model.on(traitEvent(event), wrap(event, fn)),
    off: (event, fn) => model.off(traitEvent(event), wrap(event, fn)),
    send: (content, ...rest) =>
      model.send(content && content.type === "need-runtime" ? content : { ...content, to: tag }, ...rest),
  };
}
