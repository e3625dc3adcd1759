"""The lab's model layer, no widgets: events folded once (`runmodel.RunModel`), run files (`runfile`),
what the browser shows of a run (`viewmodel`), and a batch folded with the JSON of its view (`batchmodel`)."""
