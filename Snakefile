# Homework 4 (ECE-GY 9123, Spring 2021): experiments -> results -> LaTeX -> the Gradescope PDF.
# Wiring only; the rules live in rules/, the settings in config/ (validated by rules/common.smk), the logic in
# the package hw4/, each rule's entry in scripts/.


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/q1.smk"
include: "rules/q2.smk"
include: "rules/q3.smk"
include: "rules/q4.smk"
include: "rules/grading.smk"
include: "rules/versions.smk"  # before report.smk: it defines PROVENANCE_RESULTS
include: "rules/report.smk"
include: "rules/variants.smk"  # after common.smk: it reads VARIANT_DIR, variant_table and OWN_RESULTS


# Defaults, set once: every rule runs in environment.yml (with --use-conda); threads default to 1 and
# resources to Snakemake's (or a profile's default-resources): a rule states only what it needs beyond those.
for _rule in workflow.rules:
    _rule.conda_env = _rule.conda_env or os.path.join(workflow.basedir, "environment.yml")


rule all:
    default_target: True
    input:
        "build/hw4.pdf",
        "build/hw4_solutions.pdf",
        "build/hw4_problems.pdf",
        "build/hw4_audit.pdf",
        "build/hw4_q4.ipynb",
        "build/hw4_q4_handout.ipynb",
        "build/autograder/autograder.zip",
