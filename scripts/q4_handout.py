"""Rule q4_handout: the incomplete notebook handed out with the homework, from the solution notebook's source
alone (no data, no run): the course's recipe whatever profile the build uses."""

import nbformat

from hw4.io import atomic_path
from hw4.q4.notebook import handout, read_source
from hw4.smk import run_script


def main(sm) -> None:
    with atomic_path(sm.output.handout) as tmp:
        nbformat.write(handout(read_source(sm.input.source)), str(tmp))


run_script(main, globals())
