// Short texts drawn beside the graph's nodes and edges: a node's model-call totals, a map's "3/5 done", a
// router's "Send ×N". One mechanism for all: g.<cls> > title + text, appended once where `place` puts it,
// its label and hover text updated in place (as text, never parsed), removed with its attribute when the
// picture no longer has it.
import { svgEl } from "./graph.js";

// `elements`: [key, svg group] pairs; `notes`: key -> the note drawn (kept by the Drawing across pictures);
// `data`: key -> info from the picture (absent, null or 0: no note); `attr`: the group's data attribute;
// `place(group)` -> {x, y, anchor} or null (nothing to place it by yet); `show(info, group)` -> {value, label, hint}.
export function drawNotes(elements, notes, data, { cls, attr, place, show }) {
  const shown = data || {};
  for (const [key, group] of elements) {
    const info = Object.hasOwn(shown, key) ? shown[key] : null;
    let note = notes.get(key);
    if (!info) {
      if (note) note.box.remove();
      notes.delete(key);
      group.removeAttribute(attr);
      continue;
    }
    if (!note) {
      const at = place(group);
      if (!at) continue;
      note = makeNote(group, cls, at);
      notes.set(key, note);
    }
    const { value, label, hint } = show(info, group);
    group.setAttribute(attr, String(value));
    if (note.label.textContent !== label) note.label.textContent = label;
    if (note.title.textContent !== hint) note.title.textContent = hint;
  }
}

function makeNote(group, cls, { x, y, anchor }) {
  const box = svgEl("g", { class: cls });
  const title = svgEl("title", {}); // beside the text, not in it: the text's content is the label alone
  const label = svgEl("text", { x, y, "text-anchor": anchor, "font-size": 9 });
  box.append(title, label);
  group.appendChild(box);
  return { box, title, label };
}
