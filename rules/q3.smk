# Problem 3: the skip-gram gradient and sampling. Not answered yet: report/q3.tex.j2 says so.

Q3_RESULTS = {}
Q3_FIGURES = []
Q3_EXCERPTS = []
