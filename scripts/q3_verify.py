"""Rule q3_verify: the closed-form gradient against autograd (q3_check judges the agreement)."""

from hw4.io import write_json
from hw4.q3.skipgram import verify_autograd
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    v = sm.params.verify
    write_json(sm.output.results, {"instances": verify_autograd(v["instances"], v["pairs"], sm.params.seed)})


run_script(main, globals())
