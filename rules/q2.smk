# Problem 2: linear-time attention. Op counts (sympy), exactness and counted ops (torch and scalar copies),
# time/memory/error against T, needle retrieval at a distance, figures.

Q2_RESULTS = {
    "q2": "build/results/q2.json",
    "q2_verify": "build/results/q2_verify.json",
    "q2_bench": "build/results/q2_bench.json",
    "q2_retrieval": "build/results/q2_retrieval.json",
    "q2_check": "build/results/q2_check.json",
}
Q2_FIGURES = ["figures/q2_patterns.pdf", "figures/q2_scaling.pdf", "figures/q2_cost.pdf"]
Q2_EXCERPTS = ["hw4/q2/attention.py", "hw4/q2/retrieval.py"]


# Light steps run where snakemake runs, never queued on a cluster.
localrules:
    q2_plot,
    q2_check,


# The formulas' predicted savings are compared with the measured speedups at the largest benchmark T at which
# full attention is timed (q2_check's timing.at_T).
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
        results=rooted(Q2_RESULTS["q2"]),
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


rule q2_verify:
    input:
        code=code("scripts/q2_verify.py"),
    output:
        results=rooted(Q2_RESULTS["q2_verify"]),
    log:
        "{root}/logs/q2_verify.log",
    benchmark:
        "{root}/benchmarks/q2_verify.tsv"
    threads: THREADS
    params:
        instances=lambda w: config_at(w.root)["q2"]["count_instances"],
        patterns=config["q2"]["patterns"],
        seed=config["seed"],
    script:
        "../scripts/q2_verify.py"


# Exact checks (counted operations against the formulas) stop the build; float agreements become flags; the
# numbers the prose derives and a verdict for every comparing sentence become claims (q2_check.json).
rule q2_check:
    input:
        derive=rooted(Q2_RESULTS["q2"]),
        verify=rooted(Q2_RESULTS["q2_verify"]),
        bench=Q2_RESULTS["q2_bench"],
        retrieval=Q2_RESULTS["q2_retrieval"],
        code=code("scripts/q2_check.py"),
    output:
        results=rooted(Q2_RESULTS["q2_check"]),
    log:
        "{root}/logs/q2_check.log",
    script:
        "../scripts/q2_check.py"


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
