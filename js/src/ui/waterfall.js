// The waterfall tab of a LabView: what ran when. Bars packed into lanes by time (one lane for a sequential run,
// a lane more for each branch running at once), a bar per node visit placed on the run's time axis, its model calls (one per attempt, a rejected answer
// marked) inside it; hover says tokens and duration (`title`, set as text), a click selects the visit.
// The kernel sends a window of the run's visits (lab/model/waterfall.py), positions in seconds.
import { h } from "preact";
import htm from "htm";

const html = htm.bind(h);
const MIN_PX_PER_BAR = 8; // a long window scrolls sideways rather than drawing bars thinner than this

const MIN_PX = 3; // the narrowest bar or call drawn (a Python node may take a millisecond of a minute-long run)

// Position of [start, end] on an axis [t0, t1], as CSS percentages (a zero-length span fills its box); a mark
// at the very end is moved in by its minimum width, so it is never drawn past the edge.
function place(start, end, t0, t1) {
  const span = t1 - t0;
  if (span <= 0) return { left: "0%", width: "100%" };
  return { left: `min(${(100 * (start - t0)) / span}%, calc(100% - ${MIN_PX}px))`,
    width: `${(100 * (end - start)) / span}%`, minWidth: `${MIN_PX}px` };
}

function Call({ call, bar }) {
  const at = place(call.start, call.end, bar.start, bar.end);
  return html`<span class="dl-call" data-attempt=${call.attempt ?? ""} data-outcome=${call.outcome}
    style=${at} title=${call.hint}></span>`;
}

function Bar({ bar, span, selected, onSelect }) {
  const at = place(bar.start, bar.end, span[0], span[1]);
  return html`<div class="dl-bar" role="button" tabindex="0" data-visit=${bar.visit} data-node=${bar.node}
    data-task=${bar.task || undefined} data-status=${bar.status} data-live=${bar.live ? "true" : undefined}
    data-selected=${selected ? "true" : undefined} style=${at} title=${bar.hint}
    onClick=${() => onSelect(bar.visit)} onKeyDown=${(e) => e.key === "Enter" && onSelect(bar.visit)}>
    ${bar.calls.map((c) => html`<${Call} call=${c} bar=${bar} />`)}
    <span class="dl-bar-label">${bar.node}</span>
  </div>`;
}

export function Waterfall({ model, body }) {
  const span = body.span || [0, 0];
  const onSelect = (visit) => model.send({ type: "select", visit });
  const bars = body.bars || [];
  return html`<div class="dl-waterfall">
    <div class="dl-scope">${body.scope}</div>
    <div class="dl-lanes" style=${{ minWidth: `${bars.length * MIN_PX_PER_BAR}px` }}>
      ${(body.lanes || []).map((lane, i) => html`<div class="dl-lane" data-lane=${lane.lane}>
        <span class="dl-lane-label" title=${lane.label}>${lane.label}</span>
        <div class="dl-lane-track">
          ${bars.filter((b) => b.lane === i).map((b) => html`<${Bar} bar=${b} span=${span}
            selected=${b.visit === body.selected} onSelect=${onSelect} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`;
}
