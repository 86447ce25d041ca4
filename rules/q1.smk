# Problem 1: the 2D RNN. Derivation (sympy), verification (torch), the comparison with a conv net (its exact
# side, q1_fields, and its timings, q1_compare), the exact check, the timings' claims, figure.

Q1_RESULTS = {
    "q1_derive": "build/results/q1_derive.json",
    "q1_verify": "build/results/q1_verify.json",
    "q1_fields": "build/results/q1_fields.json",
    "q1_compare": "build/results/q1_compare.json",
    "q1_check": "build/results/q1_check.json",
    "q1_claims": "build/results/q1_claims.json",
}
Q1_FIGURES = ["figures/q1_compare.pdf"]
Q1_EXCERPTS = ["hw4/q1/rnn.py"]


# Light steps run where snakemake runs (on a cluster: the login node), not as queued jobs.
localrules:
    q1_plot,
    q1_check,
    q1_claims,


rule q1_derive:
    input:
        code=code("scripts/q1_derive.py"),
    output:
        results=rooted(Q1_RESULTS["q1_derive"]),
    log:
        "{root}/logs/q1_derive.log",
    benchmark:
        "{root}/benchmarks/q1_derive.tsv"
    params:
        instances=lambda w: config_at(w.root)["q1"]["instances"],
    script:
        "../scripts/q1_derive.py"


# One thread (the default): its instances are small, and the verify jobs of many variants run side by side.
rule q1_verify:
    input:
        code=code("scripts/q1_verify.py"),
    output:
        results=rooted(Q1_RESULTS["q1_verify"]),
    log:
        "{root}/logs/q1_verify.log",
    benchmark:
        "{root}/benchmarks/q1_verify.tsv"
    params:
        instances=lambda w: config_at(w.root)["q1"]["instances"],
        seed=config["seed"],
        scalar_count_max_ops=config["q1"]["scalar_count_max_ops"],
    script:
        "../scripts/q1_verify.py"


rule q1_fields:
    input:
        code=code("scripts/q1_fields.py"),
    output:
        results=Q1_RESULTS["q1_fields"],
    log:
        "build/logs/q1_fields.log",
    benchmark:
        "build/benchmarks/q1_fields.tsv"
    params:
        # only what the counts depend on: a new batch or number of repeats reruns the timing alone
        compare={
            k: config["q1"]["compare"][k]
            for k in ("n_values", "c", "h", "conv_layers", "conv_kernel")
        },
        seed=config["seed"],
    script:
        "../scripts/q1_fields.py"


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


# Exact checks (counts against the formulas) stop the build; float agreements are recorded. No timing is read.
rule q1_check:
    input:
        derive=rooted(Q1_RESULTS["q1_derive"]),
        verify=rooted(Q1_RESULTS["q1_verify"]),
        fields=Q1_RESULTS["q1_fields"],
        code=code("scripts/q1_check.py"),
    output:
        results=rooted(Q1_RESULTS["q1_check"]),
    log:
        "{root}/logs/q1_check.log",
    script:
        "../scripts/q1_check.py"


# What the prose says of the timings: a new timing reruns this, never the exact check.
rule q1_claims:
    input:
        compare=Q1_RESULTS["q1_compare"],
        code=code("scripts/q1_claims.py"),
    output:
        results=Q1_RESULTS["q1_claims"],
    log:
        "build/logs/q1_claims.log",
    script:
        "../scripts/q1_claims.py"


rule q1_plot:
    input:
        fields=Q1_RESULTS["q1_fields"],
        compare=Q1_RESULTS["q1_compare"],
        code=code("scripts/q1_plot.py"),
    output:
        figure="figures/q1_compare.pdf",
    log:
        "build/logs/q1_plot.log",
    script:
        "../scripts/q1_plot.py"
