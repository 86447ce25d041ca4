# Problem 1: the 2D RNN. Derivation (sympy), verification (torch), comparison with a conv net, the check and
# the claims, figure.

Q1_RESULTS = {
    "q1": "build/results/q1.json",
    "q1_verify": "build/results/q1_verify.json",
    "q1_compare": "build/results/q1_compare.json",
    "q1_check": "build/results/q1_check.json",
}
Q1_FIGURES = ["figures/q1_compare.pdf"]
Q1_EXCERPTS = ["hw4/q1/rnn.py"]


# Light steps run where snakemake runs (on a cluster: the login node), not as queued jobs.
localrules:
    q1_plot,
    q1_check,


rule q1_derive:
    input:
        code=code("scripts/q1_derive.py"),
    output:
        results=rooted(Q1_RESULTS["q1"]),
    log:
        "{root}/logs/q1_derive.log",
    benchmark:
        "{root}/benchmarks/q1_derive.tsv"
    params:
        instances=lambda w: config_at(w.root)["q1"]["instances"],
    script:
        "../scripts/q1_derive.py"


rule q1_verify:
    input:
        code=code("scripts/q1_verify.py"),
    output:
        results=rooted(Q1_RESULTS["q1_verify"]),
    log:
        "{root}/logs/q1_verify.log",
    benchmark:
        "{root}/benchmarks/q1_verify.tsv"
    threads: THREADS
    params:
        instances=lambda w: config_at(w.root)["q1"]["instances"],
        seed=config["seed"],
        scalar_count_max_ops=config["q1"]["scalar_count_max_ops"],
    script:
        "../scripts/q1_verify.py"


rule q1_compare:
    input:
        code=code("scripts/q1_compare.py"),
    output:
        results=Q1_RESULTS["q1_compare"],
    log:
        "build/logs/q1_compare.log",
    benchmark:
        "build/benchmarks/q1_compare.tsv"
    threads: THREADS
    resources:
        runtime=20,
    params:
        compare=config["q1"]["compare"],
        seed=config["seed"],
    script:
        "../scripts/q1_compare.py"


# Exact checks (counts against the formulas) stop the build; float agreements and the prose's claims are recorded.
rule q1_check:
    input:
        derive=rooted(Q1_RESULTS["q1"]),
        verify=rooted(Q1_RESULTS["q1_verify"]),
        compare=Q1_RESULTS["q1_compare"],
        code=code("scripts/q1_check.py"),
    output:
        results=rooted(Q1_RESULTS["q1_check"]),
    log:
        "{root}/logs/q1_check.log",
    script:
        "../scripts/q1_check.py"


rule q1_plot:
    input:
        results=Q1_RESULTS["q1_compare"],
        code=code("scripts/q1_plot.py"),
    output:
        figure="figures/q1_compare.pdf",
    log:
        "build/logs/q1_plot.log",
    script:
        "../scripts/q1_plot.py"
