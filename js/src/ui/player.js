// Play a finished run: one clock in the page, fed the run's `play` part ({key, t: ms after the first event
// per event, steps: the positions a graph step ends at}; lab/model/viewmodel.py play_json), never the events.
// A *frame source* shows position p (the first p events): in a notebook it is a {type: "seek"} to the kernel,
// answered when the kernel's slider says p; a standalone HTML page can give precomputed frames instead.
// The clock schedules position p at (t[p-1] - t[p0-1]) / speed after play starts (or one graph step per
// `every` s), drops the frames it is late for (at most one in flight, always the latest due) and stops at
// the end. Markup (tests rely on it):
//   .dl-player[data-playing="true|false"][data-pos=<the position last asked of the source>] >
//     button.dl-play (▶ / ⏸), button.dl-step-back, button.dl-step-fwd, select.dl-speed (1x, 2x, 5x, "every";
//     a speed set from Python, e.g. 0.5x, is added), input.dl-every (seconds per step), .dl-play-time ("1.2 / 3.4 s")
import { h } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import htm from "htm";

const html = htm.bind(h);
export const SPEEDS = ["1", "2", "5", "every"];
const WAIT_MS = 3000; // a frame the source never confirms stops blocking the next one after this

// When position p is due, in ms of the run (position 0: before the first event, at 0).
function at(t, p) {
  return p <= 0 ? 0 : t[Math.min(p, t.length) - 1];
}

// The clock: `source.show(p)` returns a promise settled once p is on screen; `onChange({playing, pos, ms})`
// after every move. `pos` is the position last asked of the source (where the slider stands).
export function createPlayer(source, onChange) {
  let play = { key: "", t: [], steps: [] };
  let pos = 0;
  let playing = false;
  let flight = null; // the frame being shown
  let timer = null;
  let start = null; // {wall, ms, p, step}: when play began, from what run time, position and next step
  let mode = { speed: 1, every: null };

  const n = () => play.t.length;
  const tell = () => onChange({ playing, pos, ms: at(play.t, pos), total: at(play.t, n()) });
  const clear = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  // The latest position due now, and when the one after it is (ms from now; null: none).
  const due = (now) => {
    const wall = now - start.wall;
    if (mode.every) {
      const k = Math.min(play.steps.length - 1, start.step + Math.floor(wall / (mode.every * 1000)));
      const p = k < 0 ? n() : play.steps[k];
      const next = k + 1 < play.steps.length ? (k + 1 - start.step) * mode.every * 1000 - wall : null;
      return { p: Math.max(p, start.p), next };
    }
    const ms = start.ms + wall * mode.speed;
    let lo = start.p;
    let hi = n();
    while (lo < hi) { // the last position due at or before `ms`
      const mid = (lo + hi + 1) >> 1;
      if (at(play.t, mid) <= ms) lo = mid;
      else hi = mid - 1;
    }
    const next = lo < n() ? (at(play.t, lo + 1) - ms) / mode.speed : null;
    return { p: lo, next };
  };
  const show = (p) => {
    pos = p;
    tell();
    const shown = (flight = Promise.race([source.show(p), new Promise((r) => setTimeout(r, WAIT_MS))]));
    shown.then(() => {
      if (flight !== shown) return;
      flight = null;
      if (playing) tick();
    });
  };
  const tick = () => {
    clear();
    if (!playing) return;
    const { p, next } = due(performance.now());
    if (flight === null && p !== pos) show(p);
    if (flight === null && p >= n()) {
      playing = false; // the end shown: done
      tell();
      return;
    }
    if (next !== null) timer = setTimeout(tick, Math.max(0, next));
  };
  const firstStep = (p) => play.steps.findIndex((s) => s > p);
  const api = {
    get playing() { return playing; },
    get pos() { return pos; },
    // The run's play part and the position shown; another run (key) stops the player.
    update(part, shown) {
      const next = part || { key: "", t: [], steps: [] };
      if (next.key !== play.key) api.pause();
      play = next;
      if (!playing && flight === null && Number.isInteger(shown)) pos = shown;
    },
    play(options = {}) {
      if (!n()) return;
      if (options.speed || options.every) mode = { speed: options.speed || 1, every: options.every || null };
      clear();
      let p0 = pos;
      if (p0 >= n()) { // at the end: from the start
        p0 = 0;
        show(0);
      }
      // every N s: the next step boundary at once, then one more every N s
      start = { wall: performance.now(), ms: at(play.t, p0), p: p0, step: firstStep(p0) };
      playing = true;
      tell();
      if (flight === null) tick();
    },
    pause() {
      clear();
      if (playing) {
        playing = false;
        tell();
      }
    },
    toggle(options) {
      if (playing) api.pause();
      else api.play(options);
    },
    // `by` graph steps back (<0) or forward, paused.
    step(by) {
      api.pause();
      const steps = [0, ...play.steps];
      let p = pos;
      for (let k = 0; k < Math.abs(by); k += 1) {
        const next = by > 0 ? steps.find((s) => s > p) : steps.findLast((s) => s < p);
        if (next === undefined) break;
        p = next;
      }
      if (p !== pos) show(p);
    },
    dispose() {
      playing = false;
      clear();
    },
  };
  return api;
}

// The player's controls, in the replay line (kept one row high: nothing moves when play starts).
// `player` is a createPlayer(...); `state` its last onChange; `setMode(m)` keeps the speed chosen.
export function PlayerControls({ player, state, mode, setMode }) {
  const options = () => (mode.speed === "every" ? { every: mode.every } : { speed: +mode.speed });
  const seconds = (ms) => (ms / 1000).toFixed(1);
  const keepFocus = (e) => e.preventDefault(); // a click leaves the focus on the view: space goes on playing
  return html`<span class="dl-player" data-playing=${state.playing ? "true" : "false"} data-pos=${state.pos}>
    <button class="dl-step-back" onMouseDown=${keepFocus} title="Back one graph step (←)" aria-label="back one step"
      onClick=${() => player.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${keepFocus} title=${state.playing ? "Pause (space)" : "Play the run as it happened (space)"}
      aria-label=${state.playing ? "pause" : "play"} onClick=${() => player.toggle(options())}>${
      state.playing ? "⏸" : "▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${keepFocus} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${() => player.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${mode.speed}
      onChange=${(e) => {
        const next = { ...mode, speed: e.currentTarget.value };
        setMode(next);
        if (player.playing) player.play(next.speed === "every" ? { every: next.every } : { speed: +next.speed });
      }}>
      ${!SPEEDS.includes(mode.speed) && html`<option value=${mode.speed}>${mode.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${mode.speed === "every" && html`<input class="dl-every" type="number" min="0.1" step="0.5" value=${mode.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${(e) => {
        const every = Math.max(0.1, +e.currentTarget.value || 1);
        setMode({ ...mode, every });
        if (player.playing) player.play({ every });
      }} />`}
    <span class="dl-play-time">${seconds(state.ms)} / ${seconds(state.total)} s</span>
  </span>`;
}

// The player of one view (`replay`: the toolbar's slider, null while a run goes on; `part`: the run's play part):
// the kernel as its frame source (a seek, confirmed when the toolbar's replay value
// says so), Python's {type: "player"} messages obeyed, and the speed chosen kept. Returns what the toolbar
// draws: {player, state, mode, setMode}.
export function useKernelPlayer(model, replay, part) {
  const waiting = useRef(null); // {p, resolve}
  const [state, setState] = useState({ playing: false, pos: 0, ms: 0, total: 0 });
  const [mode, setMode] = useState({ speed: "1", every: 2 });
  const ref = useRef(null);
  if (ref.current === null) {
    ref.current = createPlayer({
      show: (p) => new Promise((resolve) => {
        if (waiting.current) waiting.current.resolve();
        waiting.current = { p, resolve };
        model.send({ type: "seek", step: p });
      }),
    }, setState);
  }
  const player = ref.current;
  const value = replay ? replay.value : null;
  useLayoutEffect(() => player.update(replay ? part : null, value), [replay, part]);
  useEffect(() => {
    const w = waiting.current;
    if (w && w.p === value) {
      waiting.current = null;
      w.resolve();
    }
  }, [value]);
  useEffect(() => {
    if (!replay) player.pause();
  }, [Boolean(replay)]);
  useEffect(() => {
    const onMessage = (message) => {
      if (!message || message.type !== "player") return;
      if (message.do === "play") {
        const every = typeof message.every === "number" ? message.every : null;
        const speed = typeof message.speed === "number" ? message.speed : 1;
        if (every) setMode({ speed: "every", every });
        else setMode((m) => ({ ...m, speed: String(speed) })); // 0.5 from Python: shown as "0.5x"
        player.play(every ? { every } : { speed });
      } else if (message.do === "pause") player.pause();
      else if (message.do === "step") player.step(message.by || 1);
    };
    model.on("msg:custom", onMessage);
    return () => {
      model.off("msg:custom", onMessage);
      player.dispose();
    };
  }, [model]);
  return { player, state, mode, setMode };
}

// Space, left and right while the view has focus (not while typing in a field).
export function playerKeys(player, mode, event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const t = event.target;
  if (t && t.closest && t.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)")) return;
  const options = mode.speed === "every" ? { every: mode.every } : { speed: +mode.speed };
  if (event.key === " ") player.toggle(options);
  else if (event.key === "ArrowLeft") player.step(-1);
  else if (event.key === "ArrowRight") player.step(1);
  else return;
  event.preventDefault();
}
