# %% [markdown]
# # Sentiment Analysis with BERT
#
# Homework 4, Problem 4 (ECE-GY 9123 Deep Learning, Spring 2021). We fine-tune a pre-trained BERT model to
# classify Google Play app reviews as negative, neutral or positive. Complete the cells headed
# `# TODO: Qk.`; the cells between them are given and use the names the items define.

# %% [markdown]
# ## Setup

# %%
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("transformers") is None or importlib.util.find_spec("gdown") is None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "transformers", "gdown"])

# %%
import os
from collections import defaultdict
from textwrap import wrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
import torch.nn.functional as F
from matplotlib import rc
from pylab import rcParams
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import train_test_split
from torch import nn, optim
from torch.utils.data import DataLoader, Dataset
from transformers import BertModel, BertTokenizer, get_linear_schedule_with_warmup

# %matplotlib inline
# %config InlineBackend.figure_formats = ["retina", "pdf"]  # PDF as well: sharp figures when printed

# %% [markdown]
# Three lines of the course's notebook no longer run with today's `transformers`, and this notebook replaces them:
# `transformers.AdamW` is gone (we use `torch.optim.AdamW` with the course's weight decay 0 and eps 1e-6; it
# corrects the bias of the moment estimates, which `correct_bias=False` did not); `BertModel` returns an output
# object, not a tuple (unpacking it gives the field names, not the tensors: the code reads `pooler_output` by
# name); `encode_plus(..., pad_to_max_length=True)` is replaced by calling the tokenizer with `padding=` and
# `truncation=`. Our additions: the parameters `REVIEWS_CSV`, `LEARNING_RATE`, `RANDOM_SEED` (it makes the split
# and the training repeatable) and `DEVICE`; the speed options `BUCKETED` and `BF16`, off by default; only
# `reviews.csv` is downloaded (`apps.csv` is not used), and the data loaders use no worker processes.

# %% tags=["parameters"]
REVIEWS_CSV = "reviews.csv"  # downloaded below when it is not there yet
PRE_TRAINED_MODEL_NAME = "bert-base-cased"
MAX_LEN = 160
BATCH_SIZE = 16
EPOCHS = 5
LEARNING_RATE = 2e-5
RANDOM_SEED = 42
DEVICE = None  # None: the GPU when there is one
BUCKETED = False  # True: batches of reviews of similar length, padded to their longest (faster)
BF16 = False  # True: bf16 autocast on a GPU (faster)

# %%
np.random.seed(RANDOM_SEED)
torch.manual_seed(RANDOM_SEED)
device = torch.device(DEVICE or ("cuda:0" if torch.cuda.is_available() else "cpu"))
class_names = ["negative", "neutral", "positive"]

# %% [markdown]
# ## Data Exploration
#
# The course's reviews are a Google Play scrape, `reviews.csv`, downloaded from Google Drive when the file is not
# there yet. Only the columns `content` (the review's text) and `score` (1 to 5 stars) are used.

# %%
if not os.path.exists(REVIEWS_CSV):
    import gdown

    gdown.download(id="1zdmewp7ayS4js4VtrJEHzAheSW-5NBZv", output=REVIEWS_CSV, quiet=True)
df = pd.read_csv(REVIEWS_CSV)
df[["content", "score"]].head()

# %% [markdown] hw4={"item": 1, "role": "guidance"}
# **Q1.** A sample is one review, one row of the data frame.

# %% hw4={"item": 1, "role": "solution"}
# TODO: Q1. How many samples are there in this dataset?
print(f"{len(df)} samples; df.shape = {df.shape}")

# %% [markdown] hw4={"item": 2, "role": "guidance"}
# **Q2.** Count the reviews of each score (`value_counts`) and draw them as bars, scores 1 to 5 in order.

# %% hw4={"item": 2, "role": "solution"}
# TODO: Q2. Plot a histogram of the review scores. Which score is the most common?
score_counts = df.score.value_counts().reindex(range(1, 6), fill_value=0)
plt.figure(figsize=(4, 2.4))
plt.bar(score_counts.index, score_counts.values, color="tab:blue")
plt.xlabel("review score")
plt.ylabel("reviews")
plt.show()
print("reviews per score:", score_counts.to_dict())
print("most common score:", score_counts.idxmax())

# %% [markdown] hw4={"item": 3, "role": "guidance"}
# **Q3.** Map scores 1-2 to negative (0), 3 to neutral (1) and 4-5 to positive (2) in a new column
# `df["sentiment"]`, which the data set below reads. Compare each class's count with an equal share.


# %% hw4={"item": 3, "role": "solution"}
# TODO: Q3. Map the scores to three sentiment classes, plot the class histogram and show it is roughly balanced.
def to_sentiment(rating):
    rating = int(rating)
    if rating <= 2:
        return 0
    if rating == 3:
        return 1
    return 2


df["sentiment"] = df.score.apply(to_sentiment)
class_counts = df.sentiment.value_counts().reindex(range(3), fill_value=0)
plt.figure(figsize=(4, 2.4))
plt.bar(class_names, class_counts.values, color="tab:blue", alpha=0.5)
plt.axhline(len(df) / 3, color="tab:red", linestyle="--", linewidth=2, label="equal share")
plt.ylabel("reviews")
plt.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
plt.show()
print("reviews per class:", dict(zip(class_names, class_counts.tolist())))
print(f"smallest class / largest class: {class_counts.min() / class_counts.max():.2f}")

# %% [markdown]
# ## Data Preprocessing
#
# BERT reads word pieces: the tokenizer splits the text and maps each piece to its id in the model's vocabulary.

# %%
tokenizer = BertTokenizer.from_pretrained(PRE_TRAINED_MODEL_NAME)
sample_txt = "Every day feels like the same during the lock down."

# %% [markdown] hw4={"item": 4, "role": "guidance"}
# **Q4.** `tokenizer.tokenize` and `tokenizer.convert_tokens_to_ids` give the pieces and their ids.

# %% hw4={"item": 4, "role": "solution"}
# TODO: Q4. Print the tokens and the token ids of the sample sentence.
tokens = tokenizer.tokenize(sample_txt)
token_ids = tokenizer.convert_tokens_to_ids(tokens)
print(f" Sentence: {sample_txt}")
print(f"   Tokens: {tokens}")
print(f"Token IDs: {token_ids}")

# %%
encoding = tokenizer(
    sample_txt,
    max_length=32,
    add_special_tokens=True,  # [CLS] first, [SEP] last
    return_token_type_ids=False,
    padding="max_length",
    truncation=True,
    return_attention_mask=True,
    return_tensors="pt",
)
print(encoding["input_ids"][0].tolist())
print(encoding["attention_mask"][0].tolist())

# %% [markdown] hw4={"item": 5, "role": "guidance"}
# **Q5.** The encoding above holds 32 ids. `tokenizer.convert_ids_to_tokens` maps ids back to tokens: which
# special tokens were added, and where does the padding start?

# %% hw4={"item": 5, "role": "solution"}
# TODO: Q5. Invert the token ids of the padded encoding above back to tokens.
inverted = tokenizer.convert_ids_to_tokens(encoding["input_ids"][0])
print(inverted)

# %% [markdown]
# ## Building the dataset
#
# `GPReviewDataset` tokenizes a review when the loader asks for it. With `bucketed=True`, `create_data_loader`
# batches reviews of similar length and pads each batch only to its longest review: the same model, far fewer
# padding tokens to compute on.


# %%
class GPReviewDataset(Dataset):
    def __init__(self, reviews, targets, tokenizer, max_len, pad=True):
        self.reviews = reviews
        self.targets = targets
        self.tokenizer = tokenizer
        self.max_len = max_len
        self.pad = pad

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, item):
        review = str(self.reviews[item])
        encoding = self.tokenizer(
            review,
            add_special_tokens=True,
            max_length=self.max_len,
            return_token_type_ids=False,
            padding="max_length" if self.pad else False,
            truncation=True,
            return_attention_mask=True,
            return_tensors="pt",
        )
        return {
            "review_text": review,
            "input_ids": encoding["input_ids"].flatten(),
            "attention_mask": encoding["attention_mask"].flatten(),
            "targets": torch.tensor(self.targets[item], dtype=torch.long),
        }


class LengthBuckets(torch.utils.data.Sampler):
    """Batches of similar length: shuffle, sort pools of 50 batches by length, cut, shuffle the batches."""

    def __init__(self, lengths, batch_size, shuffle):
        self.lengths, self.batch_size, self.shuffle = torch.tensor(lengths), batch_size, shuffle

    def __iter__(self):
        n, size = len(self.lengths), self.batch_size
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        pools = [order[i : i + 50 * size] for i in range(0, n, 50 * size)]
        pools = [pool[torch.argsort(self.lengths[pool], descending=True, stable=True)] for pool in pools]
        batches = [pool[i : i + size].tolist() for pool in pools for i in range(0, len(pool), size)]
        for k in torch.randperm(len(batches)) if self.shuffle else range(len(batches)):
            yield batches[k]

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)


def pad_batch(items, pad_id=0):
    """Stack a batch, padding input_ids and attention_mask to the batch's longest review."""
    width = max(len(item["input_ids"]) for item in items)
    batch = {"review_text": [item["review_text"] for item in items]}
    for key, fill in (("input_ids", pad_id), ("attention_mask", 0)):
        batch[key] = torch.stack([F.pad(item[key], (0, width - len(item[key])), value=fill) for item in items])
    batch["targets"] = torch.stack([item["targets"] for item in items])
    return batch


def create_data_loader(df, tokenizer, max_len, batch_size, bucketed=False, shuffle=False):
    ds = GPReviewDataset(
        reviews=df.content.to_numpy(),
        targets=df.sentiment.to_numpy(),
        tokenizer=tokenizer,
        max_len=max_len,
        pad=not bucketed,
    )
    if not bucketed:
        return DataLoader(ds, batch_size=batch_size, shuffle=shuffle)
    texts = [str(review) for review in ds.reviews]  # as __getitem__ reads them (an empty review is NaN)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_len)["input_ids"]]
    return DataLoader(
        ds,
        batch_sampler=LengthBuckets(lengths, batch_size, shuffle),
        collate_fn=lambda items: pad_batch(items, tokenizer.pad_token_id),
    )


# %% [markdown] hw4={"item": 6, "role": "guidance"}
# **Q6.** Two calls of scikit-learn's `train_test_split`: hold out 10 % of the reviews, then halve the held-out
# part into validation and test. Pass `random_state=RANDOM_SEED` so that the split is the same every run.

# %% hw4={"item": 6, "role": "solution"}
# TODO: Q6. Create the train, validation and test data frames (90/5/5) and print their shapes.
df_train, df_test = train_test_split(df, test_size=0.1, random_state=RANDOM_SEED)
df_val, df_test = train_test_split(df_test, test_size=0.5, random_state=RANDOM_SEED)
print(df_train.shape, df_val.shape, df_test.shape)

# %%
train_data_loader = create_data_loader(df_train, tokenizer, MAX_LEN, BATCH_SIZE, bucketed=BUCKETED, shuffle=BUCKETED)
val_data_loader = create_data_loader(df_val, tokenizer, MAX_LEN, BATCH_SIZE, bucketed=BUCKETED)
test_data_loader = create_data_loader(df_test, tokenizer, MAX_LEN, BATCH_SIZE, bucketed=BUCKETED)

# %% [markdown]
# ## Sentiment Classification with BERT

# %%
bert_model = BertModel.from_pretrained(PRE_TRAINED_MODEL_NAME)

# %% [markdown] hw4={"item": 7, "role": "guidance"}
# **Q7.** Run `bert_model` on the encoding of the sample sentence. Its output has the fields `last_hidden_state`
# (one vector per token) and `pooler_output` (one vector for the whole text).

# %% hw4={"item": 7, "role": "solution"}
# TODO: Q7. Print the sizes of the last hidden state and of the pooled output for the encoded sample.
output = bert_model(input_ids=encoding["input_ids"], attention_mask=encoding["attention_mask"])
last_hidden_state, pooled_output = output.last_hidden_state, output.pooler_output
print("last_hidden_state:", last_hidden_state.shape)
print("pooled_output:    ", pooled_output.shape)


# %%
class SentimentClassifier(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.bert = BertModel.from_pretrained(PRE_TRAINED_MODEL_NAME)
        self.drop = nn.Dropout(p=0.3)
        self.out = nn.Linear(self.bert.config.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        pooled_output = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        output = self.drop(pooled_output)
        return self.out(output)


model = SentimentClassifier(len(class_names)).to(device)

# %% [markdown]
# ## Training

# %%
optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, eps=1e-6, weight_decay=0.0)
total_steps = len(train_data_loader) * EPOCHS
scheduler = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=0, num_training_steps=total_steps)
loss_fn = nn.CrossEntropyLoss().to(device)

# %% [markdown] hw4={"item": 8, "role": "guidance"}
# **Q8.** `train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples)` makes one pass
# over the batches (`d["input_ids"]`, `d["attention_mask"]`, `d["targets"]`): forward, loss, backward, clip
# the gradient norm at 1.0 (`nn.utils.clip_grad_norm_`), then step the optimizer and the scheduler and zero the
# gradients. It returns the accuracy (correct predictions / `n_examples`) and the mean batch loss.


# %% hw4={"item": 8, "role": "solution"}
# TODO: Q8. Complete the training function for one epoch.
def train_epoch(model, data_loader, loss_fn, optimizer, device, scheduler, n_examples, bf16=False):
    model = model.train()
    losses = []
    correct_predictions = 0
    for d in data_loader:
        input_ids = d["input_ids"].to(device)
        attention_mask = d["attention_mask"].to(device)
        targets = d["targets"].to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            outputs = model(input_ids=input_ids, attention_mask=attention_mask)
        loss = loss_fn(outputs.float(), targets)
        correct_predictions += (outputs.argmax(dim=1) == targets).sum().item()
        losses.append(loss.item())
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
    return correct_predictions / n_examples, np.mean(losses)


# %% [markdown] hw4={"item": 9, "role": "guidance"}
# **Q9.** `eval_model(model, data_loader, loss_fn, device, n_examples)`: the same pass in evaluation mode
# (`model.eval()`, dropout off) under `torch.no_grad()`, without any update.


# %% hw4={"item": 9, "role": "solution"}
# TODO: Q9. Complete the evaluation function.
def eval_model(model, data_loader, loss_fn, device, n_examples, bf16=False):
    model = model.eval()
    losses = []
    correct_predictions = 0
    with torch.no_grad():
        for d in data_loader:
            input_ids = d["input_ids"].to(device)
            attention_mask = d["attention_mask"].to(device)
            targets = d["targets"].to(device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                outputs = model(input_ids=input_ids, attention_mask=attention_mask)
            loss = loss_fn(outputs.float(), targets)
            correct_predictions += (outputs.argmax(dim=1) == targets).sum().item()
            losses.append(loss.item())
    return correct_predictions / n_examples, np.mean(losses)


# %% [markdown] hw4={"item": 10, "role": "guidance"}
# **Q10.** For each of the `EPOCHS` epochs: train, evaluate on the validation set, print both, and append the four
# numbers to `history`, a `defaultdict(list)`, under the keys `train_acc`, `train_loss`, `val_acc` and `val_loss`
# (item 11 plots them). Save the weights of the model with the best validation accuracy so far in the file
# `best_model_state.bin` (`torch.save` of `model.state_dict()`): the evaluation below loads it. Optional, on
# Colab: a checkpoint after each epoch lets a disconnected runtime go on from there.

# %% hw4={"item": 10, "role": "solution"}
# TODO: Q10. Complete the training loop that tracks train and validation accuracy and loss per epoch.
history = defaultdict(list)
best_accuracy, start_epoch = -1.0, 0  # -1: the first epoch is always the best so far
if os.path.exists("checkpoint.pt"):  # an interrupted run: resume after its last finished epoch
    ckpt = torch.load("checkpoint.pt", weights_only=False)
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    scheduler.load_state_dict(ckpt["scheduler"])
    torch.set_rng_state(ckpt["rng"])
    if ckpt["cuda_rng"] is not None:
        torch.cuda.set_rng_state_all(ckpt["cuda_rng"])
    history, best_accuracy, start_epoch = ckpt["history"], ckpt["best_accuracy"], ckpt["epoch"]
    print(f"Resumed after epoch {start_epoch}; recorded so far:")
    for k in range(start_epoch):
        print(f"Epoch {k + 1}: train accuracy {history['train_acc'][k]:.4f}, val accuracy {history['val_acc'][k]:.4f}")

for epoch in range(start_epoch, EPOCHS):
    print(f"Epoch {epoch + 1}/{EPOCHS}")
    train_acc, train_loss = train_epoch(
        model, train_data_loader, loss_fn, optimizer, device, scheduler, len(df_train), bf16=BF16
    )
    print(f"Train loss {train_loss:.4f} accuracy {train_acc:.4f}")
    val_acc, val_loss = eval_model(model, val_data_loader, loss_fn, device, len(df_val), bf16=BF16)
    print(f"Val   loss {val_loss:.4f} accuracy {val_acc:.4f}")
    history["train_acc"].append(train_acc)
    history["train_loss"].append(train_loss)
    history["val_acc"].append(val_acc)
    history["val_loss"].append(val_loss)
    if val_acc > best_accuracy:
        torch.save(model.state_dict(), "best_model_state.tmp")
        os.replace("best_model_state.tmp", "best_model_state.bin")  # write, then rename: never half a file
        best_accuracy = val_acc
    state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    state.update(rng=torch.get_rng_state(), history=history, best_accuracy=best_accuracy, epoch=epoch + 1)
    state["cuda_rng"] = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    torch.save(state, "checkpoint.tmp")
    os.replace("checkpoint.tmp", "checkpoint.pt")  # write, then rename: never half a file

# %% [markdown] hw4={"item": 11, "role": "guidance"}
# **Q11.** Plot `history["train_acc"]` and `history["val_acc"]` against the epoch (1 to `EPOCHS`).

# %% hw4={"item": 11, "role": "solution"}
# TODO: Q11. Plot train and validation accuracy against the epoch.
epochs = range(1, len(history["train_acc"]) + 1)
plt.figure(figsize=(4, 2.4))
plt.plot(epochs, history["train_acc"], "o-", label="train accuracy")
plt.plot(epochs, history["val_acc"], "s--", label="validation accuracy")
plt.xticks(list(epochs))
plt.xlabel("epoch")
plt.ylabel("accuracy")
plt.ylim(0, 1)
plt.legend(loc="lower right")
plt.show()

# %% [markdown]
# ## Evaluation
#
# The model with the best validation accuracy, on the test set:

# %%
model.load_state_dict(torch.load("best_model_state.bin"))
test_acc, _ = eval_model(model, test_data_loader, loss_fn, device, len(df_test))
print(f"test accuracy {test_acc:.4f}")


# %%
def get_predictions(model, data_loader):
    model = model.eval()
    review_texts, predictions, prediction_probs, real_values = [], [], [], []
    with torch.no_grad():
        for d in data_loader:
            outputs = model(input_ids=d["input_ids"].to(device), attention_mask=d["attention_mask"].to(device))
            review_texts.extend(d["review_text"])
            predictions.extend(outputs.argmax(dim=1).cpu())
            prediction_probs.extend(F.softmax(outputs, dim=1).cpu())
            real_values.extend(d["targets"])
    return review_texts, torch.stack(predictions), torch.stack(prediction_probs), torch.stack(real_values)


y_review_texts, y_pred, y_pred_probs, y_test = get_predictions(model, test_data_loader)
print(classification_report(y_test, y_pred, labels=range(3), target_names=class_names, digits=3, zero_division=0))

# %% [markdown] hw4={"item": 12, "role": "guidance"}
# **Q12.** `sklearn.metrics.confusion_matrix(y_test, y_pred)` counts the test reviews by true class (rows) and
# predicted class (columns); show it as an image with the counts written in the cells. Then say, in a markdown
# cell, which class the model finds hardest and what the matrix shows it confused with.

# %% hw4={"item": 12, "role": "solution"}
# TODO: Q12. Plot the confusion matrix on the test set. Which class is the hardest to classify?
cm = confusion_matrix(y_test, y_pred, labels=range(3))
plt.figure(figsize=(3.2, 2.8))
plt.imshow(cm, cmap="Blues")
for i in range(3):
    for j in range(3):
        plt.text(j, i, cm[i, j], ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black")
plt.xticks(range(3), class_names)
plt.yticks(range(3), class_names)
plt.xlabel("predicted sentiment")
plt.ylabel("true sentiment")
plt.show()

# %% [markdown]
# ## Predicting on Raw Text

# %%
review_text = "I love Deep Learning! Best course evah!!!1!!"

# %% [markdown] hw4={"item": 13, "role": "guidance"}
# **Q13.** Encode `review_text` the way the data set encodes a review, run the model on it and print the class
# with the highest score.

# %% hw4={"item": 13, "role": "solution"}
# TODO: Q13. Print the predicted sentiment in review_text.
encoded_review = tokenizer(
    review_text,
    max_length=MAX_LEN,
    add_special_tokens=True,
    return_token_type_ids=False,
    padding="max_length",
    truncation=True,
    return_attention_mask=True,
    return_tensors="pt",
)
output = model(encoded_review["input_ids"].to(device), encoded_review["attention_mask"].to(device))
prediction = output.argmax(dim=1).item()
print(f"Review text: {review_text}")
print(f"Sentiment  : {class_names[prediction]}")
print(f"Probability: {F.softmax(output, dim=1)[0, prediction]:.3f}")
