"""Pages: one module per screen kind, each turning a read-only snapshot into a Page view-model."""
