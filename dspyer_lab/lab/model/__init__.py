"""The lab's run model: events folded once (`RunModel`) and run files (`runfile`); no widgets here."""
