"""Rule marking: each problem's points and its sub-parts' (the homework's, split by marking.points)."""

from hw4.io import write_json
from hw4.marking import points_table
from hw4.smk import run_script


def main(sm) -> None:
    write_json(sm.output.results, points_table(dict(sm.params.points)))


run_script(main, globals())
