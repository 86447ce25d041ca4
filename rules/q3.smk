# Problem 3: the skip-gram gradient. Derivation and op counts (sympy), autograd check, the sampled
# estimators' bias and variance, time per gradient against d (torch), the check and the claims, figures.

Q3_RESULTS = {
    "q3_derive": "build/results/q3_derive.json",
    "q3_verify": "build/results/q3_verify.json",
    "q3_estimators": "build/results/q3_estimators.json",
    "q3_timing": "build/results/q3_timing.json",
    "q3_check": "build/results/q3_check.json",
    "q3_claims": "build/results/q3_claims.json",
}
Q3_FIGURES = ["figures/q3_estimators.pdf", "figures/q3_timing.pdf"]
Q3_EXCERPTS = ["hw4/q3/skipgram.py"]


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    q3_plot,
    q3_check,
    q3_claims,


rule q3_derive:
    input:
        code=code("scripts/q3_derive.py"),
    output:
        results=rooted(Q3_RESULTS["q3_derive"]),
    log:
        "{root}/logs/q3_derive.log",
    benchmark:
        "{root}/benchmarks/q3_derive.tsv"
    params:
        symbolic=config["q3"]["symbolic"],
        count_instances=lambda w: config_at(w.root)["q3"]["count_instances"],
        seed=config["seed"],
    script:
        "../scripts/q3_derive.py"


rule q3_verify:
    input:
        code=code("scripts/q3_verify.py"),
    output:
        results=Q3_RESULTS["q3_verify"],
    log:
        "build/logs/q3_verify.log",
    benchmark:
        "build/benchmarks/q3_verify.tsv"
    threads: THREADS
    resources:
        mem_mb=4000,
    params:
        verify=config["q3"]["verify"],
        seed=config["seed"],
    script:
        "../scripts/q3_verify.py"


rule q3_estimators:
    input:
        code=code("scripts/q3_estimators.py"),
    output:
        results=Q3_RESULTS["q3_estimators"],
    log:
        "build/logs/q3_estimators.log",
    benchmark:
        "build/benchmarks/q3_estimators.tsv"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=20,
    params:
        estimators=config["q3"]["estimators"],
        seed=config["seed"],
    script:
        "../scripts/q3_estimators.py"


rule q3_timing:
    input:
        code=code("scripts/q3_timing.py"),
    output:
        results=Q3_RESULTS["q3_timing"],
    log:
        "build/logs/q3_timing.log",
    benchmark:
        "build/benchmarks/q3_timing.tsv"
    threads: THREADS
    resources:
        mem_mb=8000,
        runtime=30,
    params:
        timing=config["q3"]["timing"],
        # the proposal q of the sampled gradient: only these two estimator settings, so that changing the
        # estimators' k values or replicates does not rerun the timing
        zipf_exponent=config["q3"]["estimators"]["zipf_exponent"],
        proposal_power=config["q3"]["estimators"]["proposal_power"],
        seed=config["seed"],
    script:
        "../scripts/q3_timing.py"


# Exact checks (symbolic derivatives, counted operations against the formulas) stop the build; the autograd
# agreement is recorded. No measurement is read.
rule q3_check:
    input:
        derive=rooted(Q3_RESULTS["q3_derive"]),
        verify=Q3_RESULTS["q3_verify"],
        code=code("scripts/q3_check.py"),
    output:
        results=rooted(Q3_RESULTS["q3_check"]),
    log:
        "{root}/logs/q3_check.log",
    script:
        "../scripts/q3_check.py"


# The prose's claims on the measurements (slopes against the expected rates, verdicts, speed-ups): a new timing
# reruns this, never the exact check.
rule q3_claims:
    input:
        estimators=Q3_RESULTS["q3_estimators"],
        timing=Q3_RESULTS["q3_timing"],
        code=code("scripts/q3_claims.py"),
    output:
        results=Q3_RESULTS["q3_claims"],
    log:
        "build/logs/q3_claims.log",
    script:
        "../scripts/q3_claims.py"


rule q3_plot:
    input:
        estimators=Q3_RESULTS["q3_estimators"],
        timing=Q3_RESULTS["q3_timing"],
        claims=Q3_RESULTS["q3_claims"],
        code=code("scripts/q3_plot.py"),
    output:
        estimators="figures/q3_estimators.pdf",
        timing="figures/q3_timing.pdf",
    log:
        "build/logs/q3_plot.log",
    script:
        "../scripts/q3_plot.py"
