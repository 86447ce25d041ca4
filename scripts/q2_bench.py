"""Rule q2_bench: time and peak memory of the attention methods against T, side by side."""

from hw4.io import write_json
from hw4.q2.bench import run
from hw4.smk import run_script


def main(sm) -> None:
    p = sm.params
    settings = {"bench": p.bench, "d_head": p.d_head, "window": p.window, "features": p.features}
    write_json(sm.output.results, run(settings, p.seed))


run_script(main, globals())
