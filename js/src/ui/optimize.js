// OptimizeView (`_kind` "optimize"): written by the optimizer's work (issue 23); this first version only
// says the view is there.
import { h } from "preact";
import htm from "htm";

const html = htm.bind(h);

export function Optimize() {
  return html`<div class="dspyer-optimize">Optimization view</div>`;
}
