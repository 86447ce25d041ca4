"""Rule q4_recipe: this run against the notebook's recipe (the full profile), item by item."""

from hw4.io import read_json, sha256_file, write_json
from hw4.q4.recipe import compare, recipe_config
from hw4.smk import run_script


def main(sm) -> None:
    result = compare(
        dict(sm.params.run),
        recipe_config(sm.input.recipe, sm.input.schema),
        read_json(sm.input.data),
        read_json(sm.input.tokens),
        read_json(sm.input.train),
        sample_sha256=sha256_file(sm.input.sample),
    )
    print(f"{result['n_different']} of {result['n_items']} items differ from the notebook: {result['different']}")
    write_json(sm.output.results, result)


run_script(main, globals())
