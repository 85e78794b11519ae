"""The typed view of a template that rules read: resources, references, what its tests use."""
