"""The lab's model layer, no widgets: events folded once (`runmodel.RunModel`), run files (`runfile`),
and what the browser shows of a run (`viewmodel`)."""
