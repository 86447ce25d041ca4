# Grading: the points of each sub-part (the homework's per problem, split by the config's marking.points), read by
# the solutions' marking guide and the autograder; Problem 4's autograder (otter-grader), and `snakemake grade`.

MARKING_RESULTS = {"marking": "build/results/marking.json"}


# A split that does not add up to the homework's points stops the build before any job runs.
try:
    points_table(config["marking"]["points"], "marking.points (config/config.yaml or --config)")
except MarkingError as err:
    raise WorkflowError(str(err))


# Light steps run where snakemake runs; grading a submission (a training run) is a cluster job.
localrules:
    marking,
    autograder,
    grade,


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


# Problem 4's autograder (otter-grader): the master notebook generated from the solution notebook, its tests
# (notebooks/hw4_q4_tests.py) and points; `otter assign` makes the Gradescope zip and the student notebook.
# Graded notebooks run with grade.parameters on grade.data (hw4/q4/otter_plugin.py injects them).
GRADE = config["grade"]
AUTOGRADER = {
    "zip": "build/autograder/autograder.zip",
    "student": "build/autograder/hw4_q4_student.ipynb",
    "master": "build/autograder/hw4_q4_master.ipynb",
}
OTTER_PLUGIN = "hw4/q4/otter_plugin.py"


rule autograder:
    input:
        source=Q4_SOURCE,
        tests="notebooks/hw4_q4_tests.py",
        marking=MARKING_RESULTS["marking"],
        data=GRADE["data"],
        requirements="requirements.txt",
        plugin=OTTER_PLUGIN,
        code=code("scripts/autograder.py"),
    output:
        **AUTOGRADER,
    log:
        "build/logs/autograder.log",
    params:
        grading={k: GRADE[k] for k in ("parameters", "model_package", "python_version")},
    script:
        "../scripts/autograder.py"


# `snakemake grade --config 'grade={submissions: DIR}'`: every notebook in DIR (one per student, <id>.ipynb) graded
# on its own (a failure is that student's row), and each <id>.yaml (the variant's answer form, filled) checked
# against the answer key that `snakemake variants` made with the handouts (read, never remade: an input would
# let a changed setting or module remake it). With a roster (variants.roster), every student on it gets a row
# and ids off it are not graded. Then build/grades/grades.csv and build/grades/feedback/<id>.md.
ANSWER_KEY = f"{VARIANT_DIR}/answer_key.csv"
try:
    NOTEBOOKS, ANSWERS = (
        list_submissions(GRADE["submissions"]) if GRADE["submissions"] else ({}, {})
    )
    ROSTER = (
        read_roster(VARIANTS["roster"]) if GRADE["submissions"] and VARIANTS["roster"] else None
    )
    # GRADED: id -> "" (graded) or why not; the ids in the roster's spelling
    NOTEBOOKS, ANSWERS, GRADED = match_roster(NOTEBOOKS, ANSWERS, ROSTER)
    CHECKED_ANSWERS = {sid: path for sid, path in ANSWERS.items() if not GRADED[sid]}
except (GradesError, VariantError) as err:
    raise WorkflowError(str(err))


rule grade_submission:
    input:
        submission=lambda w: NOTEBOOKS[w.sid],
        zip=AUTOGRADER["zip"],
        plugin=OTTER_PLUGIN,
        code=code("scripts/grade_submission.py"),
    output:
        result="build/grades/submissions/{sid}.json",
    log:
        "build/logs/grade/{sid}.log",
    benchmark:
        "build/benchmarks/grade/{sid}.tsv"
    resources:
        mem_mb=4000,
        runtime=GRADE["timeout"] // 60 + 5,
    params:
        timeout=GRADE["timeout"],
    script:
        "../scripts/grade_submission.py"


rule grade:
    input:
        results=lambda w: expand("build/grades/submissions/{sid}.json", sid=submission_ids()),
        answers=list(CHECKED_ANSWERS.values()),
        marking=MARKING_RESULTS["marking"],
        code=code("scripts/grade.py"),
    output:
        csv="build/grades/grades.csv",
        feedback=directory("build/grades/feedback"),
    log:
        "build/logs/grade.log",
    params:
        status=GRADED,
        answers=CHECKED_ANSWERS,
        key=ANSWER_KEY,
        key_sha256=lambda w: answer_key_sha256(),  # not an input: a changed setting or module would remake it
        check_numbers=bool(ANSWERS) or ROSTER is not None,
    script:
        "../scripts/grade.py"
