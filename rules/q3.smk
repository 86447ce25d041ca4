# Problem 3: the skip-gram gradient. Derivation and op counts (sympy), autograd check, the sampled
# estimators' bias and variance, time per gradient against d (torch), figures.

Q3_RESULTS = {
    "q3": "build/results/q3.json",
    "q3_verify": "build/results/q3_verify.json",
    "q3_estimators": "build/results/q3_estimators.json",
    "q3_timing": "build/results/q3_timing.json",
}
Q3_FIGURES = ["figures/q3_estimators.pdf", "figures/q3_timing.pdf"]
Q3_EXCERPTS = ["scripts/q3_skipgram.py"]


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    q3_plot,


rule q3_derive:
    input:
        code=script_deps("scripts/q3_derive.py"),
    output:
        results="build/results/q3.json",
    log:
        "build/logs/q3_derive.log",
    benchmark:
        "build/benchmarks/q3_derive.tsv"
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        symbolic=config["q3"]["symbolic"],
        count_instances=config["q3"]["count_instances"],
        seed=config["seed"],
    script:
        "../scripts/q3_derive.py"


rule q3_verify:
    input:
        code=script_deps("scripts/q3_skipgram.py"),
    output:
        results="build/results/q3_verify.json",
    log:
        "build/logs/q3_verify.log",
    benchmark:
        "build/benchmarks/q3_verify.tsv"
    conda:
        "../environment.yml"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=15,
    params:
        step="verify",
        verify=config["q3"]["verify"],
        seed=config["seed"],
    script:
        "../scripts/q3_skipgram.py"


rule q3_estimators:
    input:
        code=script_deps("scripts/q3_skipgram.py"),
    output:
        results="build/results/q3_estimators.json",
    log:
        "build/logs/q3_estimators.log",
    benchmark:
        "build/benchmarks/q3_estimators.tsv"
    conda:
        "../environment.yml"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        step="estimators",
        estimators=config["q3"]["estimators"],
        seed=config["seed"],
    script:
        "../scripts/q3_skipgram.py"


rule q3_timing:
    input:
        code=script_deps("scripts/q3_skipgram.py"),
    output:
        results="build/results/q3_timing.json",
    log:
        "build/logs/q3_timing.log",
    benchmark:
        "build/benchmarks/q3_timing.tsv"
    conda:
        "../environment.yml"
    threads: THREADS
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        step="timing",
        timing=config["q3"]["timing"],
        # the proposal q of the sampled gradient: only these two estimator settings, so that changing the
        # estimators' k values or replicates does not rerun the timing
        zipf_exponent=config["q3"]["estimators"]["zipf_exponent"],
        proposal_power=config["q3"]["estimators"]["proposal_power"],
        seed=config["seed"],
    script:
        "../scripts/q3_skipgram.py"


rule q3_plot:
    input:
        estimators="build/results/q3_estimators.json",
        timing="build/results/q3_timing.json",
        code=script_deps("scripts/q3_plot.py"),
    output:
        estimators="figures/q3_estimators.pdf",
        timing="figures/q3_timing.pdf",
    log:
        "build/logs/q3_plot.log",
    conda:
        "../environment.yml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/q3_plot.py"
