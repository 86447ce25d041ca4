"""Rule q2_claims: what the prose says of the benchmark and the retrieval task (timings, errors, accuracies)."""

from hw4.io import read_json, write_json
from hw4.q2.check import claims
from hw4.smk import run_script


def main(sm) -> None:
    inputs = {name: read_json(getattr(sm.input, name)) for name in ("derive", "bench", "retrieval")}
    write_json(sm.output.results, claims(**inputs))


run_script(main, globals())
