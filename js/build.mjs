// Builds the front end into dspyer_lab/static/ as minified ES modules:
//   widget.js, widget.css  the widgets' `_esm`/`_css` (small: synced, and saved, with every view)
//   export.js              the page of an exported run (lab/model/export.py inlines it): widget.js's LabView
//                          over frames computed at export, no kernel, no network
//   viz-runtime.js         Graphviz in WebAssembly (@viz-js/viz, ~1.3 MB). Never an `_esm`: the
//                          kernel sends it once per page, on request (see src/runtime.js)
//   npm run build                 -> ../dspyer_lab/static/
//   npm run watch                 -> rebuild on change (pair with ANYWIDGET_HMR=1 in the kernel)
//   node build.mjs --outdir DIR   -> build elsewhere (tests compare it with the committed bundle)
// The output is deterministic for a given lockfile, so the committed bundle can be checked.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outdirArg = args.indexOf("--outdir");
const outdir = outdirArg >= 0 ? path.resolve(args[outdirArg + 1]) : path.join(here, "..", "dspyer_lab", "static");

const options = {
  absWorkingDir: here,
  entryPoints: ["src/widget.js", "src/widget.css", "src/viz-runtime.js", "src/export.js"],
  outdir,
  bundle: true,
  format: "esm",
  minify: true,
  target: ["es2022"],
  legalComments: "eof",
  charset: "utf8",
  logLevel: "info",
};

if (args.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
