"""Rule q2_verify: every attention method against its scalar copy (counted operations) and full attention."""

from hw4.io import write_json
from hw4.q2.attention import patterns
from hw4.q2.verify import verify_instance
from hw4.runtime import seed_everything
from hw4.smk import run_script


def main(sm) -> None:
    seed_everything(sm.params.seed, sm.threads)
    instances = [verify_instance(i["T"], i["d"], i["w"], i["m"], sm.params.seed) for i in sm.params.instances]
    result = {"instances": instances, "patterns": patterns(sm.params.patterns["T"], sm.params.patterns["window"])}
    write_json(sm.output.results, result)


run_script(main, globals())
