# Versions of the report: the provenance appendix (build/results/provenance.json), `snakemake archive`
# (save this build under data/archive/<label>/) and `snakemake diff` (this build against a base version).
# Settings: the config's versions section. Included before rules/report.smk, whose SOLUTION_RESULTS takes in
# PROVENANCE_RESULTS; archive and diff read report.smk's names through input functions.

from versions_git import (
    config_hash,
    config_profiles,
    default_archive_label,
    git_state,
    resolve_base,
    rule_table,
)

# versions.* chooses what to diff or archive, not what the build makes: it is taken out of `config` here, so
# that `--config 'versions={base: X}'` changes no rule's params (render_solutions passes the whole config to
# the templates) and reruns nothing of the build.
VERSIONS = config.pop("versions")
PROVENANCE_RESULTS = {"provenance": "build/results/provenance.json"}
ARCHIVE_ROOT = "data/archive"  # gitignored; an archive is the user's, never replaced
GIT = git_state(workflow.basedir)
CONFIG_HASH = config_hash(config)
ARCHIVE_LABEL = default_archive_label(GIT, VERSIONS["archive_label"])
DIFF_BASE = resolve_base(workflow.basedir, ARCHIVE_ROOT, VERSIONS["base"], GIT["sha"])
# What an archive keeps besides the results and figures, and what the diff compares.
BUILD_DOCUMENTS = {
    "pdf": "build/hw4.pdf",
    "pages": "build/hw4_pages.json",
    "problems_pdf": "build/hw4_problems.pdf",
    "problems_pages": "build/hw4_problems_pages.json",
    "tex": "build/tex/hw4.tex",
    "problems_tex": "build/tex/hw4_problems.tex",
}


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    provenance,
    archive,


rule provenance:
    input:
        # Every problem's results: this runs after the compute rules, whose benchmark files (written as each
        # job ends) it reads. It is cheap, and only render_solutions and compile follow it.
        **Q1_RESULTS,
        **Q2_RESULTS,
        **Q3_RESULTS,
        **Q4_RESULTS,
        code=script_deps("scripts/versions_provenance.py"),
    output:
        results=PROVENANCE_RESULTS["provenance"],
    log:
        "build/logs/provenance.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        # The commit and dirty flag are params: a new commit (or the first uncommitted change) reruns this
        # rule, render_solutions and compile, never the experiments.
        git={"sha": GIT["sha"], "dirty": GIT["dirty"]},
        config_hash=CONFIG_HASH,
        profiles=config_profiles(workflow),
        source_date_epoch=SOURCE_DATE_EPOCH,
        rules=lambda w: rule_table(workflow),
    script:
        "../scripts/versions_provenance.py"


rule archive:
    input:
        **BUILD_DOCUMENTS,
        results=lambda w: list(SOLUTION_RESULTS.values()),
        figures=lambda w: SOLUTION_FIGURES,
        code=script_deps("scripts/versions_archive.py"),
    output:
        # protected: Snakemake refuses to replace it, and the script refuses a label that holds any file.
        manifest=protected(f"{ARCHIVE_ROOT}/{ARCHIVE_LABEL}/manifest.json"),
    log:
        "build/logs/archive.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        label=ARCHIVE_LABEL,
        git={"sha": GIT["sha"], "dirty": GIT["dirty"]},
        config_hash=CONFIG_HASH,
        source_date_epoch=SOURCE_DATE_EPOCH,
    script:
        "../scripts/versions_archive.py"


rule diff:
    input:
        **BUILD_DOCUMENTS,
        results=lambda w: list(SOLUTION_RESULTS.values()),
        figures=lambda w: SOLUTION_FIGURES,
        code=script_deps("scripts/versions_diff.py"),
    output:
        pdf="build/diff/hw4-diff.pdf",
        tex="build/diff/hw4-diff.tex",
        md="build/diff/results-diff.md",
        json="build/diff/results-diff.json",
        figures=directory("build/diff/figures"),
    log:
        "build/logs/diff.log",
    benchmark:
        "build/benchmarks/diff.tsv"
    conda:
        "../environment.yml"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        # spec and id only: the id (commit sha, or the label's manifest hash) changes when HEAD~1 comes to
        # mean another commit; how the base is served (archive or worktree build) is settled when it runs.
        base={"spec": DIFF_BASE["spec"], "id": DIFF_BASE["id"]},
        archive_root=ARCHIVE_ROOT,
        dpi=VERSIONS["dpi"],
        current={"sha": GIT["sha"], "dirty": GIT["dirty"], "label": ARCHIVE_LABEL},
    script:
        "../scripts/versions_diff.py"
