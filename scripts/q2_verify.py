"""Rule q2_verify: every attention method against its scalar copy (counted operations) and full attention."""

from hw4.io import log_to, write_json
from hw4.q2.attention import patterns
from hw4.q2.verify import verify_instance
from hw4.runtime import seed_everything


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    instances = [verify_instance(i["T"], i["d"], i["w"], i["m"], sm.params.seed) for i in sm.params.instances]
    result = {"instances": instances, "patterns": patterns(sm.params.patterns["T"], sm.params.patterns["window"])}
    write_json(sm.output.results, result)


if "snakemake" not in globals():  # run by hand: python scripts/q2_verify.py
    from hw4.smk import mock_snakemake

    snakemake = mock_snakemake("q2_verify")
with log_to(snakemake.log[0]):
    main(snakemake)
