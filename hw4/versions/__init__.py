"""Versions of the report: git state, provenance, archives and diffs."""
