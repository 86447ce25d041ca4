"""Rule q2_retrieval: needle retrieval at a distance, for every attention method."""

from hw4.io import write_json
from hw4.q2.retrieval import run_retrieval
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    p, r = sm.params, sm.params.retrieval
    result = run_retrieval(r["T"], p.d_head, p.window, p.features, r["distances"], r["logit_gap"], r["trials"], p.seed)
    write_json(sm.output.results, result)


run_script(main, globals())
