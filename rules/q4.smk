# Problem 4: the BERT sentiment notebook. Not answered yet: report/q4.tex.j2 says so.

Q4_RESULTS = {}
Q4_FIGURES = []
Q4_EXCERPTS = []
