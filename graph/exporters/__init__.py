"""Export formats, one module per family; graph.export holds the registry over them."""
