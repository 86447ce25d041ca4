# Problem 2: linear-time attention. Not answered yet: report/q2.tex.j2 says so.

Q2_RESULTS = {}
Q2_FIGURES = []
Q2_EXCERPTS = []
