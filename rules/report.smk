# Render the Jinja LaTeX templates from the results files, then compile them with latexmk.

TEMPLATES = sorted(str(p) for p in Path(workflow.basedir, "report").glob("*.j2"))

# Each rules/qN.smk declares what its answer needs: QN_RESULTS (results files, by the name the templates use
# as results.<name>), QN_FIGURES (copied next to the .tex for the sandboxed compile) and QN_EXCERPTS (scripts
# whose marked regions the answer shows as code).
SOLUTION_RESULTS = {**Q1_RESULTS, **Q2_RESULTS, **Q3_RESULTS, **Q4_RESULTS, **PROVENANCE_RESULTS}
SOLUTION_FIGURES = Q1_FIGURES + Q2_FIGURES + Q3_FIGURES + Q4_FIGURES
EXCERPTED_SCRIPTS = Q1_EXCERPTS + Q2_EXCERPTS + Q3_EXCERPTS + Q4_EXCERPTS


# Rendering and compiling take seconds: on a cluster they run where snakemake runs instead of queueing.
localrules:
    render_solutions,
    render_problems,
    compile,


rule render_solutions:
    input:
        **SOLUTION_RESULTS,
        templates=TEMPLATES,
        scripts=EXCERPTED_SCRIPTS,
        code=script_deps("scripts/render.py"),
    output:
        tex="build/tex/hw4.tex",
    log:
        "build/logs/render_hw4.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        template="hw4.tex.j2",
        solutions=True,
        results=list(SOLUTION_RESULTS),
        config=config,
    script:
        "../scripts/render.py"


rule render_problems:
    input:
        templates=TEMPLATES,
        code=script_deps("scripts/render.py"),
    output:
        tex="build/tex/hw4_problems.tex",
    log:
        "build/logs/render_hw4_problems.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        template="hw4.tex.j2",
        solutions=False,
        results=[],
        config=config,
    script:
        "../scripts/render.py"


rule compile:
    input:
        tex="build/tex/{doc}.tex",
        figures=lambda w: SOLUTION_FIGURES if w.doc == "hw4" else [],
        code=script_deps("scripts/compile_tex.py"),
    output:
        pdf="build/{doc}.pdf",
        pages="build/{doc}_pages.json",
    log:
        "build/logs/compile_{doc}.log",
    wildcard_constraints:
        doc="hw4|hw4_problems",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        source_date_epoch=SOURCE_DATE_EPOCH,
    script:
        "../scripts/compile_tex.py"
