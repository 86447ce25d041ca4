# Render the Jinja LaTeX templates from the results files, then compile them with latexmk.

TEMPLATES = sorted(str(p) for p in Path(workflow.basedir, "report").glob("*.j2"))

# Each rules/qN.smk declares what its answer needs: QN_RESULTS (results files, by the name the templates use
# as results.<name>), QN_FIGURES (copied next to the .tex for the sandboxed compile) and QN_EXCERPTS (package
# modules whose marked regions the answer shows as code).
SOLUTION_RESULTS = {**Q1_RESULTS, **Q2_RESULTS, **Q3_RESULTS, **Q4_RESULTS, **PROVENANCE_RESULTS}
SOLUTION_FIGURES = Q1_FIGURES + Q2_FIGURES + Q3_FIGURES + Q4_FIGURES
EXCERPTED_MODULES = Q1_EXCERPTS + Q2_EXCERPTS + Q3_EXCERPTS
# The documents, from the same templates by their mode: hw4 (the submission a student uploads), hw4_solutions
# (the instructor's solutions: every check, listing and the provenance appendix) and hw4_problems (the handout).
DOCUMENTS = {
    "hw4": {"mode": "submission", "results": SOLUTION_RESULTS, "figures": SOLUTION_FIGURES},
    "hw4_solutions": {
        "mode": "solutions",
        "results": SOLUTION_RESULTS,
        "figures": SOLUTION_FIGURES,
    },
    "hw4_problems": {"mode": "handout", "results": {}, "figures": []},
}
# What the templates may read of the config: the build's settings, not versions.* (which base to diff
# against, which label to archive under), so that choosing those reruns nothing.
REPORT_CONFIG = build_config(config)


# Rendering and compiling take seconds: on a cluster they run where snakemake runs instead of queueing.
localrules:
    render,
    compile,


# The documents of the default build (root build) and of each variant (root build/variants/<id>).
rule render:
    input:
        unpack(document_results),
        templates=TEMPLATES,
        modules=lambda w: EXCERPTED_MODULES if document_results(w) else [],
        code=code("scripts/render.py"),
    output:
        tex="{root}/tex/{doc}.tex",
    log:
        "{root}/logs/render_{doc}.log",
    wildcard_constraints:
        doc="|".join(DOCUMENTS),
    params:
        template_dir="report",
        template="hw4.tex.j2",
        mode=lambda w: DOCUMENTS[w.doc]["mode"],
        results=lambda w: list(document_results(w)),
        config=lambda w: build_config(config_at(w.root)),
    script:
        "../scripts/render.py"


rule compile:
    input:
        tex="{root}/tex/{doc}.tex",
        figures=lambda w: DOCUMENTS[w.doc]["figures"],
        code=code("scripts/compile.py"),
    output:
        pdf="{root}/{doc}.pdf",
        pages="{root}/{doc}_pages.json",
    log:
        "{root}/logs/compile_{doc}.log",
    wildcard_constraints:
        doc="|".join(DOCUMENTS),
    params:
        source_date_epoch=lambda w: source_date_epoch(),
        # a variant's compile starts from the default build's LaTeX state: one pass where references did not move
        seed=lambda w: [] if w.root == "build" else ["build/tex"],
    script:
        "../scripts/compile.py"
