# Problem 2: linear-time attention. Op counts (sympy), exactness and counted ops (torch and scalar copies),
# time/memory/error against T, needle retrieval at a distance, figures.

Q2_RESULTS = {
    "q2_derive": "build/results/q2_derive.json",
    "q2_verify": "build/results/q2_verify.json",
    "q2_bench": "build/results/q2_bench.json",
    "q2_retrieval": "build/results/q2_retrieval.json",
    "q2_check": "build/results/q2_check.json",
    "q2_claims": "build/results/q2_claims.json",
}
Q2_FIGURES = ["figures/q2_patterns.pdf", "figures/q2_scaling.pdf", "figures/q2_cost.pdf"]
Q2_EXCERPTS = ["hw4/q2/attention.py", "hw4/q2/retrieval.py"]


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    q2_plot,
    q2_check,
    q2_claims,


# The formulas' predicted savings are compared with the measured speedups at the largest benchmark T at which
# full attention is timed (q2_claims's timing.at_T).
Q2_FULL_T = [
    t for t in config["q2"]["bench"]["T_values"] if t <= config["q2"]["bench"]["full_max_T"]
]
if not Q2_FULL_T:
    raise WorkflowError(
        f"q2.bench.full_max_T = {config['q2']['bench']['full_max_T']} is below every q2.bench.T_values (smallest "
        f"{min(config['q2']['bench']['T_values'])}): full attention would never run. Set q2.bench.full_max_T to "
        f"at least {min(config['q2']['bench']['T_values'])}."
    )


rule q2_derive:
    input:
        code=code("scripts/q2_derive.py"),
    output:
        results=rooted(Q2_RESULTS["q2_derive"]),
    log:
        "{root}/logs/q2_derive.log",
    benchmark:
        "{root}/benchmarks/q2_derive.tsv"
    params:
        instances=lambda w: config_at(w.root)["q2"]["count_instances"],
        at={
            "T": max(Q2_FULL_T),
            "d": config["q2"]["d_head"],
            "w": config["q2"]["window"],
            "m": config["q2"]["features"],
        },
    script:
        "../scripts/q2_derive.py"


# One thread (the default): its instances are small, and the verify jobs of many variants run side by side.
rule q2_verify:
    input:
        code=code("scripts/q2_verify.py"),
    output:
        results=rooted(Q2_RESULTS["q2_verify"]),
    log:
        "{root}/logs/q2_verify.log",
    benchmark:
        "{root}/benchmarks/q2_verify.tsv"
    params:
        instances=lambda w: config_at(w.root)["q2"]["count_instances"],
        patterns=config["q2"]["patterns"],
        seed=config["seed"],
    script:
        "../scripts/q2_verify.py"


# Exact checks (counted operations against the formulas) stop the build; float agreements become flags.
rule q2_check:
    input:
        derive=rooted(Q2_RESULTS["q2_derive"]),
        verify=rooted(Q2_RESULTS["q2_verify"]),
        code=code("scripts/q2_check.py"),
    output:
        results=rooted(Q2_RESULTS["q2_check"]),
    log:
        "{root}/logs/q2_check.log",
    script:
        "../scripts/q2_check.py"


# The numbers the prose derives from the measurements and a verdict for every comparing sentence: a new timing
# reruns this, never the exact check. The predicted savings are the default build's formulas at the benchmark's T.
rule q2_claims:
    input:
        derive=Q2_RESULTS["q2_derive"],
        bench=Q2_RESULTS["q2_bench"],
        retrieval=Q2_RESULTS["q2_retrieval"],
        code=code("scripts/q2_claims.py"),
    output:
        results=Q2_RESULTS["q2_claims"],
    log:
        "build/logs/q2_claims.log",
    script:
        "../scripts/q2_claims.py"


rule q2_bench:
    input:
        code=code("scripts/q2_bench.py"),
    output:
        results=Q2_RESULTS["q2_bench"],
    log:
        "build/logs/q2_bench.log",
    benchmark:
        "build/benchmarks/q2_bench.tsv"
    # All cores are reserved so that no other rule runs beside the timings (torch itself uses bench.torch_threads).
    threads: THREADS
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        bench=config["q2"]["bench"],
        d_head=config["q2"]["d_head"],
        window=config["q2"]["window"],
        features=config["q2"]["features"],
        seed=config["seed"],
    script:
        "../scripts/q2_bench.py"


rule q2_retrieval:
    input:
        code=code("scripts/q2_retrieval.py"),
    output:
        results=Q2_RESULTS["q2_retrieval"],
    log:
        "build/logs/q2_retrieval.log",
    benchmark:
        "build/benchmarks/q2_retrieval.tsv"
    threads: THREADS
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        retrieval=config["q2"]["retrieval"],
        d_head=config["q2"]["d_head"],
        window=config["q2"]["window"],
        features=config["q2"]["features"],
        seed=config["seed"],
    script:
        "../scripts/q2_retrieval.py"


rule q2_plot:
    input:
        verify=Q2_RESULTS["q2_verify"],
        bench=Q2_RESULTS["q2_bench"],
        retrieval=Q2_RESULTS["q2_retrieval"],
        code=code("scripts/q2_plot.py"),
    output:
        patterns="figures/q2_patterns.pdf",
        scaling="figures/q2_scaling.pdf",
        cost="figures/q2_cost.pdf",
    log:
        "build/logs/q2_plot.log",
    script:
        "../scripts/q2_plot.py"
