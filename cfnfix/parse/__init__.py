"""Reading templates: YAML and JSON to plain data with a source map of positions and style."""
