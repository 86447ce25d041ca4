"""Problem 4: each item's one-line answer, in bold, as the markdown cell that comes before the item's code in the
finished notebook (and is boxed in the PDF). Every number is read from the results that the executed notebook's
cells computed (hw4/q4/harvest.py), every choice of words from the check step's claims (hw4/q4/check.py): this
module formats, it never compares.

Text that comes from data (class names, the raw review) is escaped for markdown: pandoc then prints every
character as it is.
"""

import string

from hw4.latex import plural

_MD_SPECIAL = set(string.punctuation)


def md(text) -> str:
    """``text`` as literal markdown: every ASCII punctuation character backslash-escaped (pandoc's rule)."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


def fmt3(x: float) -> str:
    """An accuracy, F1 or probability at the precision a reader uses: three decimals."""
    return f"{x:.3f}"


def _hardest(ev: dict, hc: dict) -> str:
    if hc["perfect"]:
        return f"**No test review was misclassified** (test accuracy {fmt3(ev['test_acc'])}): no class is harder here."
    verb = plural(hc["errors"], "was", "were")
    text = f"**Hardest class: {md(hc['class'])}** (lowest F1, {fmt3(hc['f1'])}"
    text += f", tied with {md(' and '.join(hc['tied_with']))})" if hc["tied"] else ")"
    text += f"; test accuracy {fmt3(ev['test_acc'])}. Of its {hc['support']} test reviews {hc['errors']} {verb} "
    text += "misclassified"
    if hc["has_errors"]:
        text += " (" + ", ".join(f"{e['count']} as {md(e['class'])}" for e in hc["errors_to"]) + ")"
    if hc["has_false_alarms"]:
        text += f", and {hc['false_alarms']} of the {hc['predicted']} reviews predicted {md(hc['class'])} "
        text += f"{plural(hc['false_alarms'], 'was', 'were')} of another class"
    text += ". "
    if hc["is_neutral"]:
        text += "A 3-star review shares words with both neighbours."
    if hc["lowest_recall_is_other"]:
        text += (
            f" The lowest recall is {md(hc['lowest_recall_class'])}'s ({fmt3(hc['lowest_recall'])}: "
            f"{hc['lowest_recall_errors']} of its {hc['lowest_recall_support']} test reviews misclassified)."
        )
    if hc["small_test_set_note"]:
        text += (
            f" On so few test reviews ({ev['n_test']}) one review moves {md(hc['class'])}'s {hc['one_review_moves']} by "
            f"{100 * hc['one_review_step']:.3g} percentage points."
        )
    return text


def answers(data: dict, tokens: dict, train: dict, ev: dict, claims: dict) -> dict[int, str]:
    """{item: its one-line answer as markdown}."""
    d, tk, C = data, tokens, claims
    tr = C["train"]
    first, last, n_epochs = tr["first"], tr["last"], tr["n_epochs"]
    names = d["class_names"]
    pieces = tk["tokens"]["tokens"]
    ct = C["tokens"]
    shapes = d["shapes"]
    hidden = tk["hidden"]
    counts = ", ".join(f"{c['count']}" for c in C["data"]["score_counts"])
    epochs = ", ".join(str(h["epoch"]) for h in train["history"])
    accuracy = {key: ", ".join(f"{h[key]:.3f}" for h in train["history"]) for key in ("train_acc", "val_acc")}
    return {
        1: f"**{d['n_samples']} samples**: one per row of the reviews file.",
        2: f"**The most common score is {d['most_common_score']}** (reviews with scores 1 to 5: {counts}).",
        3: (
            f"**{'Roughly balanced' if C['data']['balanced'] else 'Not balanced'}**: "
            + ", ".join(f"{d['class_counts'][name]} {md(name)}" for name in names)
            + f" against an equal share of {C['data']['equal_share']:.4g}; the smallest class has "
            + f"{100 * d['balance_min_over_max']:.3g} % of the largest one's reviews."
        ),
        4: f"**{ct['n_sample_tokens']} word pieces**: "
        + ", ".join(f"{md(repr(t))} {i}" for t, i in zip(pieces, tk["tokens"]["ids"], strict=True))
        + ".",
        5: (
            f"**{tk['encode_len']} ids: {md(ct['first_token'])} first, the {ct['n_sample_tokens']} word pieces, "
            f"{md(ct['last_token'])} at index {ct['last_attended_index']} (mask 1), then {md('[PAD]')} at indices "
            f"{ct['first_padding_index']} to {ct['last_index']} (mask 0).** Inverted, they "
            f"{'give' if ct['round_trip'] else 'do not give'} the sentence's word pieces back."
        ),
        6: (
            f"**Train {tuple(shapes['train'])}, validation {tuple(shapes['val'])}, test {tuple(shapes['test'])}** "
            f"(rows, columns)."
        ),
        7: (
            f"**`last_hidden_state` {list(hidden['last_hidden_state'])}, `pooled_output` "
            f"{list(hidden['pooler_output'])}**: (batch, tokens, hidden size) and (batch, hidden size)."
        ),
        8: (
            f"**`train_epoch` below**; in Q10's loop it gave training accuracy {first['train_acc']:.3f} after "
            "epoch 1" + plural(n_epochs, ".", f" and {last['train_acc']:.3f} after epoch {n_epochs}.")
        ),
        9: (
            f"**`eval_model` below**; on the {train['n_val']} validation reviews it gave accuracy "
            f"{first['val_acc']:.3f} after epoch 1"
            + plural(n_epochs, ".", f" and {last['val_acc']:.3f} after epoch {n_epochs}.")
        ),
        10: (
            f"**Best validation accuracy {tr['best_val_acc']:.3f}, after epoch {tr['best_epoch']} of {n_epochs}**; "
            "that model is saved in `best_model_state.bin` and evaluated below."
        ),
        11: f"**Accuracy after epoch {epochs}: train {accuracy['train_acc']}; validation {accuracy['val_acc']}**.",
        12: _hardest(ev, C["hardest"]),
        13: (
            f"**Predicted sentiment: {md(ev['raw']['prediction'])}** (probability "
            f"{fmt3(ev['raw']['probabilities'][ev['raw']['prediction']])})."
        ),
    }
