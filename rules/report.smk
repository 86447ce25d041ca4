# Render the Jinja LaTeX templates from the results files, then compile them with latexmk.

TEMPLATES = sorted(str(p) for p in Path(workflow.basedir, "report").glob("*.j2"))

# Each rules/qN.smk declares what its answer needs: QN_RESULTS (results files, by the name the templates use
# as results.<name>), QN_FIGURES (copied next to the .tex for the sandboxed compile) and QN_EXCERPTS (package
# modules whose marked regions the answer shows as code).
ANSWER_RESULTS = {**Q1_RESULTS, **Q2_RESULTS, **Q3_RESULTS, **Q4_RESULTS}
SOLUTION_FIGURES = Q1_FIGURES + Q2_FIGURES + Q3_FIGURES + Q4_FIGURES
EXCERPTED_MODULES = Q1_EXCERPTS + Q2_EXCERPTS + Q3_EXCERPTS
# The documents, from the same templates by their mode (hw4.render.MODES): hw4 (the submission a student
# uploads), hw4_solutions (the solutions an instructor posts: answers, marking guide, evidence), hw4_problems (the
# handout) and hw4_audit (the build's checks and provenance, from report/audit.tex.j2).
DOCUMENTS = {
    "hw4": {
        "mode": "submission",
        "results": ANSWER_RESULTS,
        "figures": SOLUTION_FIGURES,
        "modules": EXCERPTED_MODULES,
    },
    "hw4_solutions": {
        "mode": "solutions",
        "results": {**ANSWER_RESULTS, **MARKING_RESULTS},
        "figures": SOLUTION_FIGURES,
        "modules": EXCERPTED_MODULES,
    },
    "hw4_problems": {"mode": "handout", "results": {}, "figures": [], "modules": []},
    "hw4_audit": {
        "mode": "audit",
        "template": "audit.tex.j2",
        "results": {**ANSWER_RESULTS, **PROVENANCE_RESULTS},
        "figures": [],
        "modules": [],
    },
}
# Every results file a document prints: what an archive keeps and a diff compares.
ALL_RESULTS = {**ANSWER_RESULTS, **MARKING_RESULTS, **PROVENANCE_RESULTS}
# What the templates may read of the config: the build's settings, not versions.* (which base to diff
# against, which label to archive under), so that choosing those reruns nothing.
REPORT_CONFIG = build_config(config)


# Rendering and compiling take seconds: on a cluster they run where snakemake runs instead of queueing.
localrules:
    document,


# A document of the default build (root build) or of a variant (root build/variants/<id>): its .tex rendered from
# the templates and the results, then compiled with latexmk. One job, not two: a variant makes two documents,
# and a job's process costs about as much as the rendering.
rule document:
    input:
        unpack(document_results),
        templates=TEMPLATES,
        modules=lambda w: DOCUMENTS[w.doc]["modules"],
        figures=lambda w: DOCUMENTS[w.doc]["figures"],
        code=code("scripts/document.py"),
    output:
        tex="{root}/tex/{doc}.tex",
        pdf="{root}/{doc}.pdf",
        pages="{root}/{doc}_pages.json",
    log:
        render="{root}/logs/render_{doc}.log",
        compile="{root}/logs/compile_{doc}.log",
    wildcard_constraints:
        doc="|".join(DOCUMENTS),
    params:
        template_dir="report",
        template=lambda w: DOCUMENTS[w.doc].get("template", "hw4.tex.j2"),
        mode=lambda w: DOCUMENTS[w.doc]["mode"],
        results=lambda w: list(document_results(w)),
        config=lambda w: build_config(config_at(w.root)),
        source_date_epoch=lambda w: source_date_epoch(),
        # a variant's compile starts from the default build's LaTeX state: one pass where references did not move
        seed=lambda w: [] if w.root == "build" else ["build/tex"],
    script:
        "../scripts/document.py"
