"""Rule q3_estimators: bias and variance of the sampled gradient estimators against k."""

from hw4.io import write_json
from hw4.q3.skipgram import estimator_stats
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    # the config section q3.estimators, key for key
    write_json(sm.output.results, estimator_stats(**sm.params.estimators, seed=sm.params.seed))


run_script(main, globals())
