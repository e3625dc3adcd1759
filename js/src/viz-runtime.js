// The Graphviz layout engine (WebAssembly inlined, ~1.3 MB), built as its own ES module
// (dspyer_lab/static/viz-runtime.js). It is NOT part of any widget's `_esm`: the kernel sends
// it once per page as a custom-message buffer and runtime.js imports it from a Blob URL.
export { instance } from "@viz-js/viz";
