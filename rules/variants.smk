# Per-student variants (`snakemake variants`): for each variant id (v001 ... vN, or a roster's student ids) its
# handout and solutions, one answer key, and each student's answer form (hw4/grades.py). A variant redraws the
# numbers Problems 1-3 are evaluated for (q1/q2/q3.variant_ranges, seeded by variants.seed and the id:
# hw4/variants.py). Its files are the default build's rules run under the root build/variants/<id>
# (rules/common.smk: config_at, document_results): Problems 1-3's derive, verify and check, and document. The
# measurements and Problem 4 are the default build's, shared. On a cluster (--profile profiles/slurm) each
# variant's steps are jobs of their own.


# LaTeX runs where snakemake runs (TeX is needed on the login node only).
localrules:
    variants,
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
        forms=f"{VARIANT_DIR}/answer_forms",


rule answer_key:
    input:
        lambda w: expand(
            f"{VARIANT_DIR}/{{vid}}/results/{{name}}.json",
            vid=list(variant_table()),
            name=OWN_RESULTS,
        ),
        template="report/keys/answer_key.tex.j2",
        code=code("scripts/answer_key.py"),
    output:
        csv=f"{VARIANT_DIR}/answer_key.csv",
        tex=f"{VARIANT_DIR}/answer_key.tex",
        pdf=f"{VARIANT_DIR}/answer_key.pdf",
        forms=directory(f"{VARIANT_DIR}/answer_forms"),  # <id>.yaml: the numbers each student hands in
    log:
        f"{VARIANT_DIR}/logs/answer_key.log",
    params:
        variants=lambda w: variant_table(),  # id -> numbers, in the roster's order
        folder=lambda w, output: os.path.dirname(output.csv),  # build/variants: <id>/results/ inside
        seed=VARIANTS["seed"],
        roster=os.path.basename(VARIANTS["roster"]) if VARIANTS["roster"] else None,
        template_dir=lambda w, input: os.path.dirname(input.template),
        source_date_epoch=lambda w: source_date_epoch(),
    script:
        "../scripts/answer_key.py"
