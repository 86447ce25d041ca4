# Grading: the points of each sub-part (the homework's per problem, split by the config's marking.points), read
# by the solutions' marking guide.

MARKING_RESULTS = {"marking": "build/results/marking.json"}


# A split that does not add up to the homework's points stops the build before any job runs.
try:
    points_table(config["marking"]["points"], "marking.points (config/config.yaml or --config)")
except MarkingError as err:
    raise WorkflowError(str(err))


localrules:
    marking,


rule marking:
    input:
        code=code("scripts/marking.py"),
    output:
        results=MARKING_RESULTS["marking"],
    log:
        "build/logs/marking.log",
    params:
        points=config["marking"]["points"],
    script:
        "../scripts/marking.py"
