// A standalone picture of the drawn graph for the kernel to put in the output as image/svg+xml,
// so HTML exports, nbviewer, GitHub and frontends without widgets show the graph with its statuses.
//
// The live SVG is styled by widget.css (theme variables, [data-status] rules). The copy sent back
// carries the computed paint of every shape as presentation attributes, a background, and none of
// the page's interactive attributes, so it reads the same with no stylesheet at all.

const SVG_NS = "http://www.w3.org/2000/svg";
const PAINT = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity", "opacity"];
const TEXT = ["font-family", "font-size", "font-weight", "font-style"];
const DROP = ["tabindex", "role", "aria-label", "data-selected", "style", "class"];

function inlineStyles(live, copy) {
  const view = live.ownerDocument && live.ownerDocument.defaultView;
  if (!view || !live.isConnected) return; // not on screen: keep Graphviz's own attributes
  const liveAll = [live, ...live.querySelectorAll("*")];
  const copyAll = [copy, ...copy.querySelectorAll("*")];
  for (let i = 0; i < liveAll.length && i < copyAll.length; i++) {
    const source = liveAll[i];
    const target = copyAll[i];
    const style = view.getComputedStyle(source);
    const hidden = style.display === "none" || style.visibility === "hidden";
    for (const name of DROP) target.removeAttribute(name);
    if (hidden) {
      target.setAttribute("display", "none");
      continue;
    }
    const tag = source.localName;
    const shape = ["ellipse", "polygon", "path", "polyline", "rect", "circle", "line", "text"].includes(tag);
    if (shape) for (const name of PAINT) target.setAttribute(name, style.getPropertyValue(name));
    if (tag === "text") for (const name of TEXT) target.setAttribute(name, style.getPropertyValue(name));
  }
}

/** The drawn `svgElement` (with statuses) as standalone SVG markup. */
export function snapshotMarkup(svgElement) {
  const copy = svgElement.cloneNode(true);
  inlineStyles(svgElement, copy);
  copy.setAttribute("xmlns", SVG_NS);
  const root = svgElement.closest && svgElement.closest(".dspyer-graphview");
  const view = svgElement.ownerDocument && svgElement.ownerDocument.defaultView;
  if (root && view && root.isConnected) {
    const background = view.getComputedStyle(root).getPropertyValue("--dl-bg").trim();
    const canvas = copy.querySelector("g.graph > polygon");
    if (background && canvas) canvas.setAttribute("fill", background);
  }
  return new XMLSerializer().serializeToString(copy);
}

const lastSent = new WeakMap(); // model -> markup: several views of one model send a picture once
const MAX_FRAMES = 60;

/**
 * Send the kernel a standalone picture of the drawn graph: {type: "snapshot", svg}.
 * Waits (a few frames) until the drawing is on the page, so its computed styles are real; the
 * kernel keeps it only if its statuses are the current ones (lab/widgets/snapshot.py).
 */
export function sendSnapshot(model, svgElement, frames = 0) {
  if (!svgElement) return;
  if (!svgElement.isConnected) {
    if (frames < MAX_FRAMES) requestAnimationFrame(() => sendSnapshot(model, svgElement, frames + 1));
    return;
  }
  const svg = snapshotMarkup(svgElement);
  if (lastSent.get(model) === svg) return;
  lastSent.set(model, svg);
  model.send({ type: "snapshot", svg });
}
