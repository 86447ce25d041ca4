# Versions of the report: the provenance (build/results/provenance.json, the audit's last part), `snakemake archive`
# (save this build under data/archive/<label>/) and `snakemake diff` (this build against a base version).
# Settings: the config's versions section, which chooses what to diff or archive and shapes no other rule.
# Included before rules/report.smk, whose audit document takes in PROVENANCE_RESULTS; archive and diff read
# report.smk's names through input functions. Git is asked only by the params of the rules that record it,
# so a workflow load or a dry run of other targets runs no git command.

from hw4.versions.git import config_hash, config_profiles, rule_table


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    provenance,
    archive,
    archive_label,


rule provenance:
    input:
        # Every problem's results: this runs after the compute rules, whose benchmark files (written as each
        # job ends) it reads. It is cheap, and only the audit document follows it.
        **Q1_RESULTS,
        **Q2_RESULTS,
        **Q3_RESULTS,
        **Q4_RESULTS,
        code=code("scripts/provenance.py"),
    output:
        results=PROVENANCE_RESULTS["provenance"],
    log:
        "build/logs/provenance.log",
    params:
        # The commit and dirty flag are params: a new commit (or the first uncommitted change) reruns this
        # rule and the documents, never the experiments.
        git=git_params,
        config_hash=config_hash(config),
        # The settings themselves, so that a diff against this build marks the printed ones that changed.
        config_values=lambda w: REPORT_CONFIG,
        profiles=config_profiles(workflow),
        source_date_epoch=lambda w: source_date_epoch(),
        rules=lambda w: rule_table(workflow),
        figures=lambda w: SOLUTION_FIGURES,
    script:
        "../scripts/provenance.py"


# `snakemake archive`: this build under data/archive/<label>/ (versions.archive_label, else from the commit).
rule archive:
    input:
        lambda w: f"{ARCHIVE_ROOT}/{archive_label()}/manifest.json",


rule archive_label:
    input:
        **BUILD_DOCUMENTS,
        results=lambda w: list(ALL_RESULTS.values()),
        figures=lambda w: SOLUTION_FIGURES,
        # The templates travel with the archive: a value-level diff against it compares their words.
        templates=lambda w: TEMPLATES,
        code=code("scripts/archive.py"),
    output:
        # protected: Snakemake refuses to replace it, and the script refuses a label that holds any file.
        manifest=protected(f"{ARCHIVE_ROOT}/{{label}}/manifest.json"),
    log:
        "build/logs/archive_{label}.log",
    params:
        label=lambda w: w.label,
        git=git_params,
        config_hash=config_hash(config),
        source_date_epoch=lambda w: source_date_epoch(),
    script:
        "../scripts/archive.py"


rule diff:
    input:
        **BUILD_DOCUMENTS,
        results=lambda w: list(ALL_RESULTS.values()),
        figures=lambda w: SOLUTION_FIGURES,
        # The value-level diff renders the current templates again, with the changed values marked.
        templates=lambda w: TEMPLATES,
        modules=lambda w: EXCERPTED_MODULES,
        code=code("scripts/diff.py"),
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
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        # spec and id only: the id (commit sha, or the label's manifest hash) changes when HEAD~1 comes to
        # mean another commit; how the base is served (archive or worktree build) is settled when it runs.
        base=lambda w: {"spec": diff_base()["spec"], "id": diff_base()["id"]},
        archive_root=ARCHIVE_ROOT,
        dpi=VERSIONS["dpi"],
        current=lambda w: {**git_params(), "label": archive_label()},
        # The compared document (versions.document), and how it is rendered: the value-level diff renders it again.
        document=lambda w: VERSIONS["document"],
        render=lambda w: {
            "template_dir": "report",
            "template": DOCUMENTS[VERSIONS["document"]].get("template", "hw4.tex.j2"),
            "mode": DOCUMENTS[VERSIONS["document"]]["mode"],
            "config": REPORT_CONFIG,
            "results": dict(DOCUMENTS[VERSIONS["document"]]["results"]),
        },
    script:
        "../scripts/diff.py"
