# Problem 4: the BERT sentiment notebook as pipeline steps. Data -> tokenizer items -> training (checkpointed,
# resumable) -> evaluation; every figure has its own rule. Settings: config["q4"] (config/full.yaml: the assignment's run).

Q4_RESULTS = {
    "q4_data": "build/results/q4_data.json",
    "q4_tokens": "build/results/q4_tokens.json",
    "q4_train": "build/results/q4_train.json",
    "q4_eval": "build/results/q4_eval.json",
    "q4_recipe": "build/results/q4_recipe.json",
}
Q4_FIGURES = [
    "figures/q4_scores.pdf",
    "figures/q4_classes.pdf",
    "figures/q4_history.pdf",
    "figures/q4_confusion.pdf",
]
Q4_EXCERPTS = [
    "scripts/q4_data.py",
    "scripts/q4_tokens.py",
    "scripts/q4_model.py",
    "scripts/q4_train.py",
    "scripts/q4_evaluate.py",
    "scripts/q4_plot.py",
]
Q4_SPLITS = {s: f"build/q4/{s}.csv" for s in ("train", "val", "test")}


# source gdown: rule q4_fetch copies the download cache (q4.data.cache_dir, managed by scripts/q4_fetch.py
# and never an output, so the build never deletes it) to this file, which the data step reads.
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
    q4_plot_scores,
    q4_plot_classes,
    q4_plot_history,
    q4_plot_confusion,


rule q4_fetch:
    input:
        code=script_deps("scripts/q4_fetch.py"),
    output:
        csv=Q4_FETCHED,
    log:
        "build/logs/q4_fetch.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
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
        code=script_deps("scripts/q4_data.py"),
    output:
        **Q4_SPLITS,
        results="build/results/q4_data.json",
    log:
        "build/logs/q4_data.log",
    benchmark:
        "build/benchmarks/q4_data.tsv"
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        data=config["q4"]["data"],
        seed=config["seed"],
    script:
        "../scripts/q4_data.py"


rule q4_tokens:
    input:
        **Q4_SPLITS,
        code=script_deps("scripts/q4_tokens.py"),
    output:
        results="build/results/q4_tokens.json",
    log:
        "build/logs/q4_tokens.log",
    benchmark:
        "build/benchmarks/q4_tokens.tsv"
    conda:
        "../environment.yml"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=15,
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
        code=script_deps("scripts/q4_train.py"),
    output:
        model="build/q4/best_model.pt",
        results="build/results/q4_train.json",
    log:
        "build/logs/q4_train.log",
    benchmark:
        "build/benchmarks/q4_train.tsv"
    conda:
        "../environment.yml"
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
        code=script_deps("scripts/q4_evaluate.py"),
    output:
        results="build/results/q4_eval.json",
    log:
        "build/logs/q4_evaluate.log",
    benchmark:
        "build/benchmarks/q4_evaluate.tsv"
    conda:
        "../environment.yml"
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


# Problem 4 opens with this run against the notebook's recipe (the full profile), item by item.
rule q4_recipe:
    input:
        data="build/results/q4_data.json",
        tokens="build/results/q4_tokens.json",
        train="build/results/q4_train.json",
        recipe="config/full.yaml",
        schema="config/schema.yaml",
        sample="data/sample_reviews.csv",
        code=script_deps("scripts/q4_recipe.py"),
    output:
        results="build/results/q4_recipe.json",
    log:
        "build/logs/q4_recipe.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        run=config["q4"],
        recipe=q4_recipe(),
    script:
        "../scripts/q4_recipe.py"


rule q4_plot_scores:
    input:
        results="build/results/q4_data.json",
        code=script_deps("scripts/q4_plot.py"),
    output:
        figure="figures/q4_scores.pdf",
    log:
        "build/logs/q4_plot_scores.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figure="scores",
    script:
        "../scripts/q4_plot.py"


rule q4_plot_classes:
    input:
        results="build/results/q4_data.json",
        code=script_deps("scripts/q4_plot.py"),
    output:
        figure="figures/q4_classes.pdf",
    log:
        "build/logs/q4_plot_classes.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figure="classes",
    script:
        "../scripts/q4_plot.py"


rule q4_plot_history:
    input:
        results="build/results/q4_train.json",
        code=script_deps("scripts/q4_plot.py"),
    output:
        figure="figures/q4_history.pdf",
    log:
        "build/logs/q4_plot_history.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figure="history",
    script:
        "../scripts/q4_plot.py"


rule q4_plot_confusion:
    input:
        results="build/results/q4_eval.json",
        code=script_deps("scripts/q4_plot.py"),
    output:
        figure="figures/q4_confusion.pdf",
    log:
        "build/logs/q4_plot_confusion.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    params:
        figure="confusion",
    script:
        "../scripts/q4_plot.py"
