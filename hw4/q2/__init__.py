"""Problem 2: linear-time attention (counts, methods, benchmark, retrieval)."""
