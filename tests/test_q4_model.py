"""Problem 4 model pieces: model resolution and the hub error, batching by length, metrics."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from conftest import SCRIPTS
from q4_evaluate import confusion_matrix, hardest_class, per_class_metrics
from q4_model import BUNDLED, ModelLoadError, SentimentClassifier, load_pretrained, resolve_model
from q4_train import LengthBucketBatches, collate


def test_bundled_minilm_loads_offline_with_pooler():
    path, local = resolve_model(BUNDLED)
    assert local and os.path.isfile(os.path.join(path, "model.safetensors"))
    tok, bert = load_pretrained(BUNDLED)
    assert sum(p.numel() for p in bert.parameters()) == 22_713_216
    model = SentimentClassifier(bert, 3, 0.3).eval()
    enc = tok(["good", "a much longer review"], padding=True, return_tensors="pt")
    logits = model(enc["input_ids"], enc["attention_mask"])
    assert logits.shape == (2, 3)
    # The pooled output (not a tuple element) feeds the head: same logits by hand.
    pooled = bert(**enc).pooler_output
    assert torch.allclose(logits, model.out(pooled), atol=1e-6)


def test_missing_local_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="not a model directory.*q4.model.name"):
        resolve_model(str(tmp_path / "no-such-model"))


HUB_PROBE = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {scripts!r})
    from q4_model import ModelLoadError, load_pretrained
    try:
        load_pretrained("bert-base-cased", offline={offline})
    except ModelLoadError as err:
        print("MODEL_LOAD_ERROR:", err)
    else:
        print("LOADED")
    """
)


@pytest.mark.parametrize("offline", [False, True])
def test_unreachable_hub_names_the_offline_option(tmp_path, offline):
    """The network is blocked (proxy on a closed port) and the HF cache is empty: a clear error, quickly."""
    blocked = "http://127.0.0.1:9"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(
        HF_HOME=str(tmp_path / "hf"), HTTPS_PROXY=blocked, HTTP_PROXY=blocked, https_proxy=blocked, http_proxy=blocked
    )
    env.pop("NO_PROXY", None), env.pop("no_proxy", None)
    code = HUB_PROBE.format(scripts=str(SCRIPTS), offline=offline)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert "MODEL_LOAD_ERROR: cannot load 'bert-base-cased' from the Hugging Face hub" in proc.stdout, proc.stderr[
        -2000:
    ]
    assert "set q4.model.name to a local directory" in proc.stdout
    assert ("q4.model.offline is true" in proc.stdout) == offline


def test_length_buckets_cover_every_review_once_and_are_seeded():
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 160, size=1000)
    sampler = LengthBucketBatches(lengths, 16, shuffle=True, seed=1, pool=10)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(1000)) and len(batches) == len(sampler) == 63
    # Padding waste: batches drawn from length-sorted pools pad far less than random batches.
    waste = sum(max(lengths[b]) * len(b) - lengths[b].sum() for b in batches)
    random_waste = sum(max(lengths[b]) * len(b) - lengths[b].sum() for b in np.array_split(rng.permutation(1000), 63))
    assert waste < 0.2 * random_waste
    assert list(sampler) == batches  # same epoch, same order
    sampler.set_epoch(1)
    assert list(sampler) != batches


def test_collate_pads_to_the_batch_longest():
    batch = collate([([101, 7, 102], 2), ([101, 102], 0)], pad_id=0)
    assert batch["input_ids"].tolist() == [[101, 7, 102], [101, 102, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]
    assert batch["labels"].tolist() == [2, 0]


def test_metrics_on_a_known_confusion_matrix():
    labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    preds = [0, 0, 0, 1, 1, 2, 2, 0, 2, 2, 2, 1]
    cm = confusion_matrix(labels, preds)
    assert cm.tolist() == [[3, 1, 0], [1, 1, 2], [0, 1, 3]]
    m = {r["class"]: r for r in per_class_metrics(cm)}
    assert m["negative"]["precision"] == pytest.approx(3 / 4) and m["negative"]["recall"] == pytest.approx(3 / 4)
    assert m["neutral"]["precision"] == pytest.approx(1 / 3) and m["neutral"]["recall"] == pytest.approx(1 / 4)
    assert m["positive"]["f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    h = hardest_class(cm)
    assert (h["class"], h["errors"], h["most_confused_with"], h["most_confused_count"]) == ("neutral", 3, "positive", 2)


def test_hardest_class_follows_the_data():
    cm = np.array([[1, 4, 5], [0, 9, 1], [0, 1, 9]])  # negative is the weak class here, not neutral
    assert hardest_class(cm)["class"] == "negative"
    assert hardest_class(cm)["most_confused_with"] == "positive"
