"""Problem 4's notebook: the course's layout and interfaces, a handout that is the course's and gives nothing away,
filling its stubs gives the solution back, a student's course-style code runs in it, and a failing cell names
itself."""

import ast
import json
from pathlib import Path

import nbformat
import pytest

from hw4.q4.notebook import (
    SOURCE,
    STUB,
    NotebookError,
    add_answers,
    execute,
    fill,
    handout,
    inject,
    read_source,
    role,
    solutions,
)

ROOT = Path(__file__).resolve().parents[1]
# The course notebook's questions, as its TODO lines ask them.
QUESTIONS = {
    1: "How many samples are there in this dataset?",
    2: "Plot a histogram of the review scores. Which score is the most common?",
    12: "Plot the confusion matrix on the test set. Which class is the hardest to classify?",
    13: "Print the predicted sentiment in review_text.",
}


@pytest.fixture(scope="module")
def source():
    return read_source(SOURCE)


def item_cells(nb, kind="solution"):
    return [c for c in nb.cells if role(c)[1] == kind]


def test_items_in_the_course_order_each_under_its_todo_line(source):
    nbformat.validate(source)
    cells = item_cells(source)
    assert [role(c)[0] for c in cells] == list(range(1, 14))
    for c in cells:
        k = role(c)[0]
        assert c.source.startswith(f"# TODO: Q{k}. ")
        if k in QUESTIONS:
            assert c.source.splitlines()[0] == f"# TODO: Q{k}. {QUESTIONS[k]}"
    # a guidance cell of our own before each item's cell
    assert [role(c)[0] for c in item_cells(source, "guidance")] == list(range(1, 14))
    headings = [c.source.splitlines()[0] for c in source.cells if c.cell_type == "markdown" and c.source[:3] == "## "]
    assert headings == [
        "## Setup",
        "## Data Exploration",
        "## Data Preprocessing",
        "## Building the dataset",
        "## Sentiment Classification with BERT",
        "## Training",
        "## Evaluation",
        "## Predicting on Raw Text",
    ]


def _definitions(nb) -> tuple[dict, set]:
    """{function or class: its argument names}, and the global names the code cells assign."""
    defs, assigned = {}, set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith(("%", "!")))
        for node in ast.parse(code).body:
            if isinstance(node, ast.FunctionDef):
                defs[node.name] = [a.arg for a in node.args.args]
            elif isinstance(node, ast.ClassDef):
                init = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
                defs[node.name] = [a.arg for a in init[0].args.args][1:] if init else []
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    names = target.elts if isinstance(target, ast.Tuple) else [target]
                    assigned |= {n.id for n in names if isinstance(n, ast.Name)}
    return defs, assigned


def test_the_course_notebooks_interfaces(source):
    """Names, signatures (leading arguments as the course's; speed options only as keyword arguments after them),
    globals, batch keys, history and the saved model's file."""
    defs, assigned = _definitions(source)
    assert defs["GPReviewDataset"][:4] == ["reviews", "targets", "tokenizer", "max_len"]
    assert defs["create_data_loader"][:4] == ["df", "tokenizer", "max_len", "batch_size"]
    assert defs["SentimentClassifier"] == ["n_classes"]
    course_train = ["model", "data_loader", "loss_fn", "optimizer", "device", "scheduler", "n_examples"]
    assert defs["train_epoch"][:7] == course_train and defs["train_epoch"][7:] == ["bf16"]
    assert defs["eval_model"][:5] == ["model", "data_loader", "loss_fn", "device", "n_examples"]
    assert defs["get_predictions"] == ["model", "data_loader"]
    for name in ("device", "class_names", "MAX_LEN", "BATCH_SIZE", "EPOCHS", "RANDOM_SEED", "df_train", "df_val"):
        assert name in assigned, name
    code = "\n".join(c.source for c in source.cells if c.cell_type == "code")
    for key in ('"review_text"', '"input_ids"', '"attention_mask"', '"targets"'):
        assert f"{key}:" in code, key
    assert "history = defaultdict(list)" in code
    assert 'torch.save(model.state_dict(), "best_model_state.tmp")' in code  # then moved whole onto:
    assert 'os.replace("best_model_state.tmp", "best_model_state.bin")' in code
    assert 'class_names = ["negative", "neutral", "positive"]' in code
    # the fixed cells call the items' functions as the course's handout defines them: no extra keywords
    for cell in source.cells:
        if cell.cell_type == "code" and role(cell)[1] != "solution":
            for call in ("train_epoch(", "eval_model("):
                if call in cell.source and "def " + call not in cell.source:
                    assert "bf16" not in cell.source.split(call, 1)[1].split(")", 1)[0], cell.source


def test_the_handout_gives_no_solution_away_and_filling_it_gives_the_solution_back(source):
    out = handout(source)
    nbformat.validate(out)
    assert all(c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code")
    for c in item_cells(out):
        k = role(c)[0]
        assert c.source == f"{c.source.splitlines()[0]}\n{STUB}" and c.source.startswith(f"# TODO: Q{k}. ")
    # no solution line is in the handout, except lines the given code cells hold too (`for d in data_loader:`)
    text = "\n".join(c.source for c in out.cells)
    given = "\n".join(c.source for c in source.cells if c.cell_type == "code" and role(c)[1] != "solution")
    for k, code in solutions(source).items():
        for line in code.splitlines():
            if len(line.strip()) > 3 and line.strip() in text:
                assert line.strip() in given, (k, line)
    assert "model.train()" not in text and "loss.backward()" not in text and "history = defaultdict" not in text
    filled = fill(out, solutions(source))
    assert [c.source for c in filled.cells] == [c.source for c in source.cells]
    assert [c.cell_type for c in filled.cells] == [c.cell_type for c in source.cells]


def test_the_handout_is_the_courses_whatever_the_profile(source):
    """The course's recipe, downloads and model; nothing of this project; no helper that does an item."""
    text = "\n".join(c.source for c in handout(source).cells)
    assert 'PRE_TRAINED_MODEL_NAME = "bert-base-cased"' in text and "MAX_LEN = 160" in text
    assert "EPOCHS = 5" in text and "BATCH_SIZE = 16" in text and "LEARNING_RATE = 2e-5" in text
    assert "gdown.download" in text and "1zdmewp7ayS4js4VtrJEHzAheSW-5NBZv" in text
    for word in ("hw4", "snakemake", "pipeline", "build/", "notebooks/", "config/", "profile", "minilm", "sys.path"):
        assert word not in text.lower(), word
    assert "hardest_class" not in text and "cm = confusion_matrix" not in text
    guidance_12 = next(c for c in item_cells(source, "guidance") if role(c)[0] == 12).source
    assert "neutral" not in guidance_12.lower()  # the reading of the matrix is the student's


def test_answers_go_before_each_items_code(source):
    answered = add_answers(source, {k: f"**answer {k}**" for k in range(1, 14)})
    nbformat.validate(answered)
    for k in range(1, 14):
        index = next(i for i, c in enumerate(answered.cells) if role(c) == (k, "solution"))
        before = answered.cells[index - 1]
        assert before.source == f"**answer {k}**" and role(before) == (k, "answer")
    assert handout(answered).cells == handout(source).cells  # the handout drops them


@pytest.mark.slow
def test_a_failing_cell_stops_naming_the_cell_and_the_item(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell(
            "# TODO: Q8. Complete the training function for one epoch.\n1 / 0",
            metadata={"hw4": {"item": 8, "role": "solution"}},
        ),
    ]
    with pytest.raises(NotebookError, match=r"cell 2 \(item Q8\), which begins '# TODO: Q8.*ZeroDivisionError"):
        execute(nb, tmp_path, timeout=120)
    ok = nbformat.v4.new_notebook()
    ok.cells = [nbformat.v4.new_code_cell("print(6 * 7)")]
    execute(ok, tmp_path, timeout=120)
    assert ok.cells[0].outputs[0]["text"] == "42\n"
    with pytest.raises(NotebookError, match=r"the Jupyter kernel failed .*ipykernel"):
        execute(ok, tmp_path, timeout=60, kernel_name="no-such-kernel")


# A student's answers written for the course's handout, from its interfaces (the course notebook's names,
# signatures and batch keys), not from this project's solutions: the tutorial's style, today's library calls.
STUDENT = {
    1: "print(df.shape)",
    2: "sns.countplot(x=df.score)\nplt.xlabel('review score')\nplt.show()\nprint(df.score.value_counts().idxmax())",
    3: (
        "def to_sentiment(rating):\n  rating = int(rating)\n  if rating <= 2:\n    return 0\n"
        "  elif rating == 3:\n    return 1\n  else:\n    return 2\n\n"
        "df['sentiment'] = df.score.apply(to_sentiment)\n"
        "ax = df.sentiment.value_counts().sort_index().plot(kind='bar')\n"
        "ax.set_xticklabels(class_names)\nplt.show()"
    ),
    4: (
        "tokens = tokenizer.tokenize(sample_txt)\ntoken_ids = tokenizer.convert_tokens_to_ids(tokens)\n"
        "print(f' Sentence: {sample_txt}')\nprint(f'   Tokens: {tokens}')\nprint(f'Token IDs: {token_ids}')"
    ),
    5: "print(tokenizer.convert_ids_to_tokens(encoding['input_ids'][0]))",
    6: (
        "df_train, df_test = train_test_split(df, test_size=0.1, random_state=RANDOM_SEED)\n"
        "df_val, df_test = train_test_split(df_test, test_size=0.5, random_state=RANDOM_SEED)\n"
        "print(df_train.shape, df_val.shape, df_test.shape)"
    ),
    7: (
        "outputs = bert_model(input_ids=encoding['input_ids'], attention_mask=encoding['attention_mask'])\n"
        "last_hidden_state = outputs.last_hidden_state\npooled_output = outputs.pooler_output\n"
        "print(last_hidden_state.shape, pooled_output.shape)"
    ),
    8: """def train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples):
  model = model.train()
  losses = []
  correct_predictions = 0
  for d in data_loader:
    input_ids = d["input_ids"].to(device)
    attention_mask = d["attention_mask"].to(device)
    targets = d["targets"].to(device)
    outputs = model(input_ids=input_ids, attention_mask=attention_mask)
    _, preds = torch.max(outputs, dim=1)
    loss = loss_fn(outputs, targets)
    correct_predictions += torch.sum(preds == targets)
    losses.append(loss.item())
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad()
  return correct_predictions.double() / n_examples, np.mean(losses)""",
    9: """def eval_model(model, data_loader, loss_fn, device, n_examples):
  model = model.eval()
  losses = []
  correct_predictions = 0
  with torch.no_grad():
    for d in data_loader:
      input_ids = d["input_ids"].to(device)
      attention_mask = d["attention_mask"].to(device)
      targets = d["targets"].to(device)
      outputs = model(input_ids=input_ids, attention_mask=attention_mask)
      _, preds = torch.max(outputs, dim=1)
      loss = loss_fn(outputs, targets)
      correct_predictions += torch.sum(preds == targets)
      losses.append(loss.item())
  return correct_predictions.double() / n_examples, np.mean(losses)""",
    10: """history = defaultdict(list)
best_accuracy = 0
for epoch in range(EPOCHS):
  print(f'Epoch {epoch + 1}/{EPOCHS}')
  print('-' * 10)
  train_acc, train_loss = train_epoch(model, train_data_loader, loss_fn, optimizer, device, scheduler, len(df_train))
  print(f'Train loss {train_loss} accuracy {train_acc}')
  val_acc, val_loss = eval_model(model, val_data_loader, loss_fn, device, len(df_val))
  print(f'Val   loss {val_loss} accuracy {val_acc}')
  history['train_acc'].append(train_acc)
  history['train_loss'].append(train_loss)
  history['val_acc'].append(val_acc)
  history['val_loss'].append(val_loss)
  if val_acc > best_accuracy:
    torch.save(model.state_dict(), 'best_model_state.bin')
    best_accuracy = val_acc""",
    11: (
        "plt.plot(history['train_acc'], label='train accuracy')\n"
        "plt.plot(history['val_acc'], label='validation accuracy')\n"
        "plt.title('Training history')\nplt.ylabel('Accuracy')\nplt.xlabel('Epoch')\nplt.legend()\n"
        "plt.ylim([0, 1])\nplt.show()"
    ),
    12: (
        "cm = confusion_matrix(y_test, y_pred)\nplt.imshow(cm, cmap='Blues')\n"
        "plt.xticks(range(3), class_names)\nplt.yticks(range(3), class_names)\n"
        "plt.ylabel('True sentiment')\nplt.xlabel('Predicted sentiment')\nplt.show()"
    ),
    13: """encoded_review = tokenizer(
  review_text,
  max_length=MAX_LEN,
  add_special_tokens=True,
  return_token_type_ids=False,
  padding='max_length',
  truncation=True,
  return_attention_mask=True,
  return_tensors='pt',
)
input_ids = encoded_review['input_ids'].to(device)
attention_mask = encoded_review['attention_mask'].to(device)
output = model(input_ids, attention_mask)
_, prediction = torch.max(output, dim=1)
print(f'Review text: {review_text}')
print(f'Sentiment  : {class_names[prediction]}')""",
}


@pytest.mark.slow
def test_a_students_course_style_solutions_run_in_the_handout(source, tmp_path, monkeypatch):
    """The handout's TODO cells filled with a student's code for the course's handout run on the default profile's
    data (its first 150 reviews) and model: one epoch is trained and recorded, the best model saved, the raw text
    classified."""
    import pandas as pd

    from hw4.q4.data import CLASS_NAMES
    from hw4.q4.model import BUNDLED, resolve_model

    sample = pd.read_csv(ROOT / "data" / "sample_reviews.csv", dtype=str, keep_default_na=False)
    sample.head(150).to_csv(tmp_path / "reviews.csv", index=False)
    (tmp_path / BUNDLED).symlink_to(resolve_model(BUNDLED)[0])
    params = {"PRE_TRAINED_MODEL_NAME": BUNDLED, "EPOCHS": 1, "MAX_LEN": 32, "DEVICE": "cpu"}
    student = inject(fill(handout(source), STUDENT), params)
    dump = "import json\njson.dump({k: [float(x) for x in v] for k, v in history.items()}, open('history.json', 'w'))"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the kernel inherits them
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    execute(student, tmp_path, after=dump, timeout=900)
    history = json.loads((tmp_path / "history.json").read_text())
    assert sorted(history) == ["train_acc", "train_loss", "val_acc", "val_loss"]
    assert all(len(v) == 1 for v in history.values()) and 0 <= history["val_acc"][0] <= 1
    assert (tmp_path / "best_model_state.bin").stat().st_size > 1_000_000
    outputs = {
        role(c)[0]: "".join(o.get("text", "") for o in c.outputs) for c in student.cells if role(c)[1] == "solution"
    }
    assert outputs[1].strip() == "(150, 11)"
    assert "Epoch 1/1" in outputs[10] and "Train loss" in outputs[10]
    assert "Sentiment  : " in outputs[13] and outputs[13].split("Sentiment  : ")[1].strip() in CLASS_NAMES
