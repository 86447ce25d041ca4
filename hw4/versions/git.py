"""Where a build came from, and what a diff base names: git state, config hash, archive labels.

Used by the params of the provenance, archive and diff rules (asked only when one of them is in the DAG: a new
commit then reruns the provenance step) and by the archive and diff steps themselves.
"""

import json
import os
import re
import subprocess
from pathlib import Path

from hw4.io import sha256_bytes, sha256_file

LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Config keys that choose what to diff, archive or vary, not what the build makes: top-level sections, and the
# variant ranges inside the problems' sections.
NON_BUILD_KEYS = ("versions", "variants", "grade")
NON_BUILD_PROBLEM_KEYS = ("variant_ranges",)


def build_config(config: dict) -> dict:
    """The config without what shapes no part of the default build (NON_BUILD_KEYS, NON_BUILD_PROBLEM_KEYS)."""
    return {
        key: {k: v for k, v in value.items() if k not in NON_BUILD_PROBLEM_KEYS} if isinstance(value, dict) else value
        for key, value in dict(config).items()
        if key not in NON_BUILD_KEYS
    }


def git(root: str | Path, *args: str) -> str | None:
    """Output of ``git -C root ARGS``, or None when git is missing or the command fails."""
    try:
        # --no-optional-locks: `git status` must not take the index lock while someone commits in that checkout
        cmd = ["git", "--no-optional-locks", "-C", str(root), *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return proc.stdout.strip()


def git_state(root: str | Path) -> dict:
    """{sha, dirty, changes_hash} of the checkout at ``root``; all None when ``root`` is not a checkout's top.

    A copy of the project inside some other repository is not that repository's commit, hence the top-level
    check. ``dirty`` counts untracked files too (not ignored ones): a new script changes what the build does.
    """
    top = git(root, "rev-parse", "--show-toplevel")
    if not top or os.path.realpath(top) != os.path.realpath(root):
        return {"sha": None, "dirty": None, "changes_hash": None}
    status = git(root, "status", "--porcelain") or ""
    changes = None
    if status:
        # Names the uncommitted state, so two different dirty builds get different default archive labels.
        text = status + "\n" + (git(root, "diff", "HEAD") or "")
        changes = sha256_bytes(text.encode())[:8]
    return {"sha": git(root, "rev-parse", "HEAD"), "dirty": bool(status), "changes_hash": changes}


def config_hash(config: dict) -> str:
    """sha256 of the config that shapes the build (build_config: choosing a diff base or variants reruns nothing)."""
    return sha256_bytes(json.dumps(build_config(config), sort_keys=True, default=str).encode())


def default_archive_label(state: dict, label: str | None = None) -> str:
    """``label`` if given, else rev-<sha12> (clean checkout), rev-<sha12>-dirty-<hash8>, or no-git."""
    if label:
        return label
    if not state.get("sha"):
        return "no-git"
    base = f"rev-{state['sha'][:12]}"
    return base + (f"-dirty-{state['changes_hash']}" if state.get("dirty") else "")


def list_archives(archive_root: str | Path) -> list[str]:
    return sorted(p.parent.name for p in Path(archive_root).glob("*/manifest.json"))


def find_clean_archive(archive_root: str | Path, sha: str) -> str | None:
    """Label of an archive of commit ``sha`` built from a clean checkout, if there is one."""
    for label in list_archives(archive_root):
        try:
            m = json.loads((Path(archive_root) / label / "manifest.json").read_text())
        except (OSError, ValueError):
            continue
        if m.get("git", {}).get("sha") == sha and m.get("git", {}).get("dirty") is False:
            return label
    return None


def resolve_base(root: str | Path, archive_root: str | Path, spec: str, head_sha: str | None = None) -> dict:
    """What versions.base names: {spec, kind: archive|worktree|error, label, id, sha, error}.

    An archive label wins over a git revision of the same name. A revision is served by a clean archive of
    that commit when there is one, else it has to be built in a temporary worktree. ``id`` identifies the
    base's content (the revision's sha, or the label's manifest hash): as a rule param it reruns the diff
    when the same spec comes to mean something else (HEAD~1 after a commit). Never raises: the diff step
    reports a base it cannot use, saying why. ``head_sha``: the caller's
    git_state()["sha"] when it has one already (saves a second `git status`).
    """
    archive_root = Path(archive_root)
    manifest = archive_root / spec / "manifest.json"
    if LABEL_RE.fullmatch(spec) and manifest.is_file():
        digest = sha256_file(manifest)
        return {"spec": spec, "kind": "archive", "label": spec, "id": digest, "sha": None}
    sha = git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if sha and (head_sha or git_state(root)["sha"]):
        label = find_clean_archive(archive_root, sha)
        kind = "archive" if label else "worktree"
        return {"spec": spec, "kind": kind, "label": label or f"rev-{sha[:12]}", "id": sha, "sha": sha}
    have = ", ".join(list_archives(archive_root)) or "none"
    error = (
        f"versions.base '{spec}' is neither an archive under {archive_root}/ nor a git revision of {root}. "
        f"Fix: snakemake diff --config 'versions={{base: LABEL_OR_REVISION}}' (archives here: {have})."
    )
    return {"spec": spec, "kind": "error", "label": None, "id": None, "sha": None, "error": error}


def config_profiles(workflow) -> dict:
    """The config files a Snakemake run read (the default, then any --configfile) and its --config keys."""
    root = workflow.basedir
    files = ["config/config.yaml"]
    for f in workflow.overwrite_configfiles or []:
        rel = os.path.relpath(os.path.abspath(str(f)), root)
        if rel not in files:
            files.append(rel)
    overrides = workflow.config_settings.overwrite_config or {}
    return {"files": files, "overrides": sorted(k for k in overrides if k not in NON_BUILD_KEYS)}


def rule_table(workflow) -> dict:
    """Each rule's script (relative to the project), benchmark file and outputs, as the default build names them
    (the root wildcard of the per-variant rules is build): the audit's per-rule wall times and its figure ->
    rule -> script table are read from this."""

    def default_build(path) -> str:  # {root} or {root,<its constraint>} (whose regex may hold braces itself)
        return re.sub(r"\{root(?:,(?:[^{}]|\{[^{}]*\})*)?\}", "build", str(path))

    table = {}
    for r in workflow.rules:
        script = None
        if r.script:
            path = os.path.join(os.path.dirname(str(r.snakefile)), str(r.script))
            script = os.path.relpath(os.path.normpath(path), workflow.basedir)
        table[r.name] = {
            "script": script,
            "benchmark": default_build(r.benchmark) if r.benchmark else None,
            "outputs": [default_build(o) for o in r.output],
        }
    return dict(sorted(table.items()))


def commit_time(root: str | Path) -> int:
    """Unix time of the last commit at ``root`` (the build's date when none is configured), else 0."""
    out = git(root, "log", "-1", "--format=%ct")
    try:
        return int(out) if out else 0
    except ValueError:
        return 0
