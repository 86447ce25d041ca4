# Shared set-up: where the package is found, config validation, the dependencies of a rule's code, the date.
import functools
import os
import sys

from snakemake.exceptions import WorkflowError

# The package hw4/ of this checkout: importable here, and in every job's Python (a cluster job or a copy of the
# project runs its own hw4, whatever the venv's editable install points at).
sys.path.insert(0, workflow.basedir)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        [workflow.basedir] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    )
)

from hw4.config import ConfigError, validate_config  # noqa: E402
from hw4.deps import package_deps  # noqa: E402
from hw4.marking import MarkingError, points_table  # noqa: E402

try:
    validate_config(
        config,
        os.path.join(workflow.basedir, "config", "schema.yaml"),
        source="config (config/config.yaml and any --configfile/--config)",
    )
except ConfigError as err:
    raise WorkflowError(f"{err}\nFix the key(s) above and run snakemake again.")

THREADS = config["threads"]


def code(script):
    """The package modules that a script imports, followed through the package. They are inputs of the step
    that runs the script, so that editing a module reruns exactly the steps that import it."""
    return package_deps(script, workflow.basedir)


@functools.cache
def source_date_epoch():
    """The date printed in the PDF: config `source_date_epoch`, else the last commit's time, else 0. Called by
    the params of the rules that print or record it, so a workflow load (a dry run) runs no git command.
    """
    from hw4.versions.git import commit_time

    if config.get("source_date_epoch") is not None:
        return config["source_date_epoch"]
    return commit_time(workflow.basedir)


# Versions: which base to diff against and which label to archive under (rules/versions.smk).
from hw4.versions.git import (
    build_config,
    default_archive_label,
    git_state,
    resolve_base,
)  # noqa: E402

VERSIONS = config["versions"]
PROVENANCE_RESULTS = {"provenance": "build/results/provenance.json"}
ARCHIVE_ROOT = "data/archive"  # gitignored; an archive is the user's, never replaced
# What an archive keeps besides the results and figures, and what the diff compares.
BUILD_DOCUMENTS = {
    "pdf": "build/hw4.pdf",
    "pages": "build/hw4_pages.json",
    "problems_pdf": "build/hw4_problems.pdf",
    "problems_pages": "build/hw4_problems_pages.json",
    "tex": "build/tex/hw4.tex",
    "problems_tex": "build/tex/hw4_problems.tex",
    "solutions_pdf": "build/hw4_solutions.pdf",
    "solutions_pages": "build/hw4_solutions_pages.json",
    "solutions_tex": "build/tex/hw4_solutions.tex",
    "audit_pdf": "build/hw4_audit.pdf",
    "audit_tex": "build/tex/hw4_audit.tex",
}


@functools.cache
def git_now():
    """{sha, dirty} of this checkout, asked once per run (the commit and dirty flag recorded in the build)."""
    state = git_state(workflow.basedir)
    return state


def git_params(wildcards=None):
    return {"sha": git_now()["sha"], "dirty": git_now()["dirty"]}


def archive_label():
    return default_archive_label(git_now(), VERSIONS["archive_label"])


@functools.cache
def diff_base():
    return resolve_base(workflow.basedir, ARCHIVE_ROOT, VERSIONS["base"], git_now()["sha"])


# Where a build's files go: the default build under build/, each per-student variant under build/variants/<id>/
# (rules/variants.smk). The rules whose results depend on the numbers a variant redraws (Problems 1-3's derive,
# verify and check; document) write under the wildcard {root}; their settings come from config_at(root).
# The measurements and Problem 4 are the default build's only, and every variant reads them.
from hw4.variants import (
    ID_RE,
    OWN_RESULTS,
    VariantError,
    draw,
    read_roster,
    variant_config,
    variant_ids,
)  # noqa: E402
from hw4.grades import GradesError, list_submissions, match_roster, read_key  # noqa: E402
from hw4.io import sha256_file  # noqa: E402

VARIANTS = config["variants"]
VARIANT_DIR = "build/variants"


wildcard_constraints:
    root=rf"build(/variants/{ID_RE.pattern})?",


def rooted(path):
    """A default build's path (build/...) as the pattern of every root's ({root}/...)."""
    assert path.startswith("build/"), path
    return f"{{root}}{path.removeprefix('build')}"


@functools.cache
def variant_table():
    """id -> the variant's numbers; read (the roster) and drawn only when a variant is asked for."""
    ranges = {p: config[p]["variant_ranges"] for p in ("q1", "q2", "q3")}
    try:
        return draw(variant_ids(VARIANTS), VARIANTS["seed"], ranges)
    except VariantError as err:
        raise WorkflowError(f"variants: {err}")


def variant_params(vid):
    table = variant_table()
    if vid not in table:
        raise WorkflowError(
            f"variant '{vid}' is not one of this build's variants ({len(table)}: {', '.join(list(table)[:5])}"
            f"{' ...' if len(table) > 5 else ''}). Fix: ask for `snakemake variants`, or check the id and "
            "the variants settings (n, seed, roster)."
        )
    return table[vid]


@functools.cache
def config_at(root):
    """The settings the build under root is solved for: the config, or a variant's (its numbers in the
    instances of Problems 1-3, and its id)."""
    if root == "build":
        return config
    vid = root.removeprefix(f"{VARIANT_DIR}/")
    return variant_config(config, vid, VARIANTS["seed"], variant_params(vid))


def document_results(w):
    """The results the document w.doc under w.root prints (rules/report.smk's DOCUMENTS): a variant's own
    (OWN_RESULTS) from its root, the default build's for the rest."""
    return {
        name: f"{w.root}/results/{name}.json" if name in OWN_RESULTS else path
        for name, path in DOCUMENTS[w.doc]["results"].items()
    }


def answer_key_sha256():
    """The hash of the answer key that the handed-in forms are checked against (a new key regrades them), or, with
    forms and no key, a clear error. Read only when grade is asked for: the key is never remade by grading.
    """
    if not CHECKED_ANSWERS:
        return None
    try:
        read_key(ANSWER_KEY)
    except GradesError as err:
        raise WorkflowError(str(err))
    return sha256_file(ANSWER_KEY)


def submission_ids():
    """The students whose notebooks `snakemake grade` grades (grade.submissions, on the roster if there is one),
    or a clear error."""
    if not GRADE["submissions"]:
        raise WorkflowError(
            "snakemake grade needs the folder of the submissions: "
            "--config 'grade={submissions: DIR}' (one notebook per student, named <id>.ipynb)"
        )
    return [sid for sid in NOTEBOOKS if not GRADED[sid]]
