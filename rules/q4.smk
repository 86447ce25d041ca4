# Problem 4: the BERT sentiment notebook as pipeline steps. Data -> tokenizer items -> training (checkpointed,
# resumable) -> evaluation -> check (the results against each other, the claims the PDF prints); every figure has
# its own job. Settings: config["q4"] (config/full.yaml: the notebook's recipe, which q4_recipe compares this run
# against).

from hw4.q4.notebook import code_inputs as notebook_code_inputs  # noqa: E402

Q4_RESULTS = {
    "q4_data": "build/results/q4_data.json",
    "q4_tokens": "build/results/q4_tokens.json",
    "q4_train": "build/results/q4_train.json",
    "q4_eval": "build/results/q4_eval.json",
    "q4_recipe": "build/results/q4_recipe.json",
    "q4_check": "build/results/q4_check.json",
}
# Each figure and the results file it plots.
Q4_PLOTS = {
    "scores": Q4_RESULTS["q4_data"],
    "classes": Q4_RESULTS["q4_data"],
    "history": Q4_RESULTS["q4_train"],
    "confusion": Q4_RESULTS["q4_eval"],
}
Q4_FIGURES = [f"figures/q4_{name}.pdf" for name in Q4_PLOTS]
Q4_EXCERPTS = [
    "hw4/q4/data.py",
    "hw4/q4/tokens.py",
    "hw4/q4/model.py",
    "hw4/q4/train.py",
    "hw4/q4/evaluate.py",
    "hw4/q4/metrics.py",
    "hw4/q4/plot.py",
]
Q4_SPLITS = {s: f"build/q4/{s}.csv" for s in ("train", "val", "test")}
# The files a notebook is made of (read as text, not imported): the modules whose regions are its cells, and the
# hw4 files it carries for a runtime without the package.
Q4_NOTEBOOK_CODE = notebook_code_inputs()


# source gdown: rule q4_fetch copies the download cache (q4.data.cache_dir, managed by hw4/q4/fetch.py and
# never an output, so the build never deletes it) to this file, which the data step reads.
Q4_FETCHED = "build/q4/reviews.csv"


# The reviews file the data step reads, by q4.data.source.
Q4_REVIEWS = {
    "gdown": Q4_FETCHED,
    "local": config["q4"]["data"]["path"],
    "sample": "data/sample_reviews.csv",
}[config["q4"]["data"]["source"]]


# Light steps run where snakemake runs, never queued on a cluster; the download too, since compute nodes
# often have no internet.
localrules:
    q4_fetch,
    q4_recipe,
    q4_check,
    q4_plot,


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


rule q4_data:
    input:
        csv=Q4_REVIEWS,
        code=code("scripts/q4_data.py"),
    output:
        **Q4_SPLITS,
        results="build/results/q4_data.json",
    log:
        "build/logs/q4_data.log",
    benchmark:
        "build/benchmarks/q4_data.tsv"
    params:
        data=config["q4"]["data"],
        seed=config["seed"],
    script:
        "../scripts/q4_data.py"


rule q4_tokens:
    input:
        **Q4_SPLITS,
        code=code("scripts/q4_tokens.py"),
    output:
        results="build/results/q4_tokens.json",
    log:
        "build/logs/q4_tokens.log",
    benchmark:
        "build/benchmarks/q4_tokens.tsv"
    threads: THREADS
    resources:
        mem_mb=4000,
    params:
        model=config["q4"]["model"],
        tokenizer=config["q4"]["tokenizer"],
        seed=config["seed"],
    script:
        "../scripts/q4_tokens.py"


rule q4_train:
    input:
        train=Q4_SPLITS["train"],
        val=Q4_SPLITS["val"],
        code=code("scripts/q4_train.py"),
    output:
        model="build/q4/best_model.pt",
        results="build/results/q4_train.json",
    log:
        "build/logs/q4_train.log",
    benchmark:
        "build/benchmarks/q4_train.tsv"
    threads: THREADS
    resources:
        mem_mb=16000,
        runtime=240,
    params:
        model=config["q4"]["model"],
        train=config["q4"]["train"],
        seed=config["seed"],
        checkpoint_dir="build/q4/checkpoints",
    script:
        "../scripts/q4_train.py"


rule q4_evaluate:
    input:
        test=Q4_SPLITS["test"],
        model="build/q4/best_model.pt",
        code=code("scripts/q4_evaluate.py"),
    output:
        results="build/results/q4_eval.json",
    log:
        "build/logs/q4_evaluate.log",
    benchmark:
        "build/benchmarks/q4_evaluate.tsv"
    threads: THREADS
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        model=config["q4"]["model"],
        train=config["q4"]["train"],
        raw_text=config["q4"]["raw_text"],
        seed=config["seed"],
    script:
        "../scripts/q4_evaluate.py"


# Problem 4 as Jupyter notebooks: the completed one, executed on this profile (the pipeline's trained model for the
# same settings is loaded, not trained again), and the incomplete one for the handout. Their cells are the marked
# regions of hw4/q4/ (the PDF's listings) and of hw4/q4/nbflow.py; hw4/q4/notebook.py says which.
rule q4_notebook:
    input:
        csv=Q4_REVIEWS,
        trained="build/results/q4_train.json",
        model="build/q4/best_model.pt",
        regions=Q4_NOTEBOOK_CODE,
        code=code("scripts/q4_notebook.py"),
    output:
        solution="build/hw4_q4.ipynb",
        handout="build/hw4_q4_handout.ipynb",
    log:
        "build/logs/q4_notebook.log",
    benchmark:
        "build/benchmarks/q4_notebook.tsv"
    threads: THREADS
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        q4={key: value for key, value in config["q4"].items()},
        seed=config["seed"],
        work_dir="build/q4/notebook",
    script:
        "../scripts/q4_notebook.py"


# Problem 4 opens with this run against the notebook's recipe (the full profile), item by item. The recipe is
# an input file, read by the script: the full profile never enters this workflow's config.
rule q4_recipe:
    input:
        data="build/results/q4_data.json",
        tokens="build/results/q4_tokens.json",
        train="build/results/q4_train.json",
        recipe="config/full.yaml",
        schema="config/schema.yaml",
        sample="data/sample_reviews.csv",
        code=code("scripts/q4_recipe.py"),
    output:
        results="build/results/q4_recipe.json",
    log:
        "build/logs/q4_recipe.log",
    params:
        run=config["q4"],
    script:
        "../scripts/q4_recipe.py"


# After evaluation, never before training: the results of every step against each other (exact, stops the build),
# and the claims that report/q4.tex.j2 prints. Editing hw4/q4/check.py reruns this step and the document, never training or evaluation.
rule q4_check:
    input:
        data="build/results/q4_data.json",
        tokens="build/results/q4_tokens.json",
        train="build/results/q4_train.json",
        eval="build/results/q4_eval.json",
        recipe="build/results/q4_recipe.json",
        code=code("scripts/q4_check.py"),
    output:
        results="build/results/q4_check.json",
    log:
        "build/logs/q4_check.log",
    script:
        "../scripts/q4_check.py"


rule q4_plot:
    input:
        results=lambda w: Q4_PLOTS[w.figure],
        code=code("scripts/q4_plot.py"),
    output:
        figure="figures/q4_{figure}.pdf",
    log:
        "build/logs/q4_plot_{figure}.log",
    wildcard_constraints:
        figure="|".join(Q4_PLOTS),
    script:
        "../scripts/q4_plot.py"
