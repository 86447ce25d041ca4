# Per-student variants (`snakemake variants`): for each variant id (v001 ... vN, or a roster's student ids) its
# handout and solutions, and one answer key. A variant redraws the numbers Problems 1-3 are evaluated for
# (q1/q2/q3.variant_ranges, seeded by variants.seed and the id: hw4/variants.py); only its derivations, exact
# counts, checks and claims (variant_solve) and its documents (variant_documents) are per variant. The measured
# experiments and Problem 4 are the default build's, shared. Variant ids are wildcards: on a cluster
# (--profile profiles/slurm) each variant's steps are jobs of their own.

from hw4.variants import ID_RE, OWN_RESULTS, variant_config

# The default build's results that a variant reads and never recomputes.
VARIANT_SHARED = {
    "q1_compare": Q1_RESULTS["q1_compare"],
    "q2_default": Q2_RESULTS["q2"],
    "q2_verify": Q2_RESULTS["q2_verify"],
    "q2_bench": Q2_RESULTS["q2_bench"],
    "q2_retrieval": Q2_RESULTS["q2_retrieval"],
    "q3_verify": Q3_RESULTS["q3_verify"],
    "q3_estimators": Q3_RESULTS["q3_estimators"],
    "q3_timing": Q3_RESULTS["q3_timing"],
}


# LaTeX runs where snakemake runs (TeX is needed on the login node only); a variant's solve is a cluster job.
localrules:
    variants,
    variant_documents,
    answer_key,


rule variants:
    input:
        lambda w: expand(
            f"{VARIANT_DIR}/{{vid}}/hw4_{{doc}}.pdf",
            vid=list(variant_table()),
            doc=("problems", "solutions"),
        ),
        csv=f"{VARIANT_DIR}/answer_key.csv",
        pdf=f"{VARIANT_DIR}/answer_key.pdf",


rule variant_solve:
    input:
        **VARIANT_SHARED,
        code=code("scripts/variant_solve.py"),
    output:
        **{name: f"{VARIANT_DIR}/{{vid}}/results/{name}.json" for name in OWN_RESULTS},
        variant=f"{VARIANT_DIR}/{{vid}}/results/variant.json",
    log:
        "build/logs/variants/{vid}_solve.log",
    benchmark:
        "build/benchmarks/variants/{vid}_solve.tsv"
    wildcard_constraints:
        vid=ID_RE.pattern,
    params:
        variant=lambda w: variant_params(w.vid),
        seed=VARIANTS["seed"],
        settings={
            "seed": config["seed"],
            "q1": {"scalar_count_max_ops": config["q1"]["scalar_count_max_ops"]},
            "q3": {"symbolic": config["q3"]["symbolic"]},
        },
    script:
        "../scripts/variant_solve.py"


rule variant_documents:
    input:
        unpack(lambda w: variant_results(w.vid)),
        templates=TEMPLATES,
        modules=EXCERPTED_MODULES,
        figures=SOLUTION_FIGURES,
        code=code("scripts/variant_documents.py"),
    output:
        problems=f"{VARIANT_DIR}/{{vid}}/hw4_problems.pdf",
        solutions=f"{VARIANT_DIR}/{{vid}}/hw4_solutions.pdf",
        problems_tex=f"{VARIANT_DIR}/{{vid}}/hw4_problems.tex",
        solutions_tex=f"{VARIANT_DIR}/{{vid}}/hw4_solutions.tex",
    log:
        documents="build/logs/variants/{vid}_documents.log",
        problems="build/logs/variants/{vid}_problems.tex.log",
        solutions="build/logs/variants/{vid}_solutions.tex.log",
    wildcard_constraints:
        vid=ID_RE.pattern,
    params:
        template_dir="report",
        template="hw4.tex.j2",
        config=lambda w: variant_config(
            REPORT_CONFIG, w.vid, VARIANTS["seed"], variant_params(w.vid)
        ),
        results=lambda w: variant_results(w.vid),
        source_date_epoch=lambda w: source_date_epoch(),
        default_tex_dir=lambda w: os.path.dirname(rules.render.output.tex),
    script:
        "../scripts/variant_documents.py"


rule answer_key:
    input:
        lambda w: expand(
            f"{VARIANT_DIR}/{{vid}}/results/{{name}}.json",
            vid=list(variant_table()),
            name=OWN_RESULTS,
        ),
        variants=lambda w: expand(
            f"{VARIANT_DIR}/{{vid}}/results/variant.json", vid=list(variant_table())
        ),
        template="report/keys/answer_key.tex.j2",
        code=code("scripts/answer_key.py"),
    output:
        csv=f"{VARIANT_DIR}/answer_key.csv",
        tex=f"{VARIANT_DIR}/answer_key.tex",
        pdf=f"{VARIANT_DIR}/answer_key.pdf",
    log:
        "build/logs/variants/answer_key.log",
    params:
        seed=VARIANTS["seed"],
        roster=os.path.basename(VARIANTS["roster"]) if VARIANTS["roster"] else None,
        template_dir=lambda w, input: os.path.dirname(input.template),
        source_date_epoch=lambda w: source_date_epoch(),
    script:
        "../scripts/answer_key.py"
