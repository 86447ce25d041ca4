# Problem 4: the course's BERT sentiment notebook. Its experiment is the solution notebook itself
# (notebooks/hw4_q4.py): q4_notebook executes it on this profile's settings and reads the results out of its
# kernel; q4_recipe compares the run with the notebook's recipe (config/full.yaml); q4_check checks the results
# against each other and writes the claims; q4_finish adds each item's one-line answer and converts the finished
# notebook to the LaTeX that the documents include. The handout is made from the notebook's source alone.

Q4_RESULTS = {
    "q4_data": "build/results/q4_data.json",
    "q4_tokens": "build/results/q4_tokens.json",
    "q4_train": "build/results/q4_train.json",
    "q4_eval": "build/results/q4_eval.json",
    "q4_recipe": "build/results/q4_recipe.json",
    "q4_check": "build/results/q4_check.json",
    "q4_notebook": "build/results/q4_notebook.json",
}
# The notebook's figures, by the item whose cell draws them (hw4/q4/nblatex.py names them).
Q4_FIGURES = [f"figures/q4_{name}.pdf" for name in ("scores", "classes", "history", "confusion")]
Q4_SOURCE = "notebooks/hw4_q4.py"
Q4_EXECUTED = "build/q4/executed.ipynb"

# source gdown: rule q4_fetch copies the download cache (q4.data.cache_dir, managed by hw4/q4/fetch.py and
# never an output, so the build never deletes it) to this file, which the notebook reads.
Q4_FETCHED = "build/q4/reviews.csv"

# The reviews file the notebook reads, by q4.data.source.
Q4_REVIEWS = {
    "gdown": Q4_FETCHED,
    "local": config["q4"]["data"]["path"],
    "sample": "data/sample_reviews.csv",
}[config["q4"]["data"]["source"]]


# Light steps run where snakemake runs, never queued on a cluster; the download too, since compute nodes
# often have no internet.
localrules:
    q4_fetch,
    q4_handout,
    q4_recipe,
    q4_check,
    q4_finish,


rule q4_fetch:
    input:
        code=code("scripts/q4_fetch.py"),
    output:
        csv=Q4_FETCHED,
    log:
        "build/logs/q4_fetch.log",
    resources:
        runtime=30,
    params:
        # only what decides the file's content (and where its cache is): a new split share refetches nothing
        gdown_id=config["q4"]["data"]["gdown_id"],
        gdown_sha256=config["q4"]["data"]["gdown_sha256"],
        cache_dir=config["q4"]["data"]["cache_dir"],
    script:
        "../scripts/q4_fetch.py"


# The experiment: the solution notebook executed top to bottom (training in item 10's loop, which keeps a
# per-epoch checkpoint in run_root/<fingerprint>: a killed run resumes there). Its results are read from the kernel's variables.
rule q4_notebook:
    input:
        csv=Q4_REVIEWS,
        source=Q4_SOURCE,
        code=code("scripts/q4_notebook.py"),
    output:
        notebook=Q4_EXECUTED,
        q4_data=Q4_RESULTS["q4_data"],
        q4_tokens=Q4_RESULTS["q4_tokens"],
        q4_train=Q4_RESULTS["q4_train"],
        q4_eval=Q4_RESULTS["q4_eval"],
    log:
        "build/logs/q4_notebook.log",
    benchmark:
        "build/benchmarks/q4_notebook.tsv"
    threads: THREADS
    resources:
        mem_mb=16000,
        runtime=300,
    params:
        # what decides the run: not the profile's name, the download's id or cache (the file itself is the input)
        q4={
            "data": {k: config["q4"]["data"][k] for k in ("source", "clean", "expected_rows")},
            "model": config["q4"]["model"],
            "train": config["q4"]["train"],
        },
        seed=config["q4"]["seed"],
        run_root="build/q4/run",
    script:
        "../scripts/q4_notebook.py"


# The incomplete notebook handed out with the homework: the notebook's source, each solution replaced by its
# TODO line. It needs no data and no run, and targets the course's recipe whatever profile this build uses.
rule q4_handout:
    input:
        source=Q4_SOURCE,
        code=code("scripts/q4_handout.py"),
    output:
        handout="build/hw4_q4_handout.ipynb",
    log:
        "build/logs/q4_handout.log",
    script:
        "../scripts/q4_handout.py"


# Problem 4 opens with this run against the notebook's recipe (the full profile), item by item. The recipe is
# an input file, read by the script: the full profile never enters this workflow's config.
rule q4_recipe:
    input:
        data=Q4_RESULTS["q4_data"],
        tokens=Q4_RESULTS["q4_tokens"],
        train=Q4_RESULTS["q4_train"],
        recipe="config/full.yaml",
        schema="config/schema.yaml",
        sample="data/sample_reviews.csv",
        code=code("scripts/q4_recipe.py"),
    output:
        results=Q4_RESULTS["q4_recipe"],
    log:
        "build/logs/q4_recipe.log",
    params:
        run=config["q4"],
    script:
        "../scripts/q4_recipe.py"


# The results against each other (exact, stops the build), and the claims that the answers print. Editing
# hw4/q4/check.py reruns this step and the documents, never the notebook.
rule q4_check:
    input:
        data=Q4_RESULTS["q4_data"],
        tokens=Q4_RESULTS["q4_tokens"],
        train=Q4_RESULTS["q4_train"],
        eval=Q4_RESULTS["q4_eval"],
        recipe=Q4_RESULTS["q4_recipe"],
        code=code("scripts/q4_check.py"),
    output:
        results=Q4_RESULTS["q4_check"],
    log:
        "build/logs/q4_check.log",
    script:
        "../scripts/q4_check.py"


# The finished notebook: the executed one with each item's one-line answer in bold (build/hw4_q4.ipynb), and
# the same converted by nbconvert into the LaTeX that the documents include, with its figures.
rule q4_finish:
    input:
        notebook=Q4_EXECUTED,
        data=Q4_RESULTS["q4_data"],
        tokens=Q4_RESULTS["q4_tokens"],
        train=Q4_RESULTS["q4_train"],
        eval=Q4_RESULTS["q4_eval"],
        check=Q4_RESULTS["q4_check"],
        template="report/notebook/notebook.tex.j2",
        code=code("scripts/q4_finish.py"),
    output:
        notebook="build/hw4_q4.ipynb",
        results=Q4_RESULTS["q4_notebook"],
        figures=Q4_FIGURES,
    log:
        "build/logs/q4_finish.log",
    script:
        "../scripts/q4_finish.py"
