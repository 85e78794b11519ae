"""Writing fixes: RFC 6902 operations as minimal text edits in the file's own style."""
