"""The training benchmark's peers, on the split the Rust side wrote.

    python train_peer.py torch   SPLIT.jsonl
    python train_peer.py sklearn SPLIT.jsonl

Each line of SPLIT.jsonl is one example: its part (train, valid or test),
whether it is spam, the text the models read, and the hashed ids and weights
our own features gave it.

`torch` trains the same fastText-style model as the train lab (a bag of
16-number vectors, one per hash bucket, averaged with the features'
weights, then one linear layer to a logit) with the same settings: Adam at
0.02 with burn's epsilon, batches of 64 in a fresh order each epoch, at most
12 epochs, validation loss after each, stopping after 2 epochs without a
gain of 1e-4, the best epoch's weights kept. It reads our ids and weights,
so both sides learn from identical features; PyTorch's `EmbeddingBag` with
per-sample weights is its idiomatic form of that model.

`sklearn` is the usual first model in Python: scikit-learn's hashing
vectoriser (2^17 buckets, words and word pairs, l2-normalised counts) on the
raw text, then a logistic regression. Its time includes making features,
because making them is part of its recipe.

Each prints one JSON line: seconds (to the end of training), peak resident
memory in KiB, epochs where there are any, and the test figures.
"""

import json
import resource
import sys
import time


def load(path):
    parts = {"train": [], "valid": [], "test": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            parts[row["part"]].append(row)
    return parts


def figures(predicted, actual):
    tp = sum(1 for p, a in zip(predicted, actual) if p and a)
    fp = sum(1 for p, a in zip(predicted, actual) if p and not a)
    fn = sum(1 for p, a in zip(predicted, actual) if not p and a)
    tn = len(actual) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "spam_f1": f1,
        "precision": precision,
        "recall": recall,
        "ham_flagged_rate": fp / (fp + tn) if fp + tn else 0.0,
    }


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_torch(parts):
    import torch
    from torch import nn

    buckets, dim = 131072, 16
    epochs, batch_size, lr, patience, seed = 12, 64, 0.02, 2, 7
    torch.manual_seed(seed)

    def tensors(rows):
        flat, weights, offsets = [], [], []
        for row in rows:
            offsets.append(len(flat))
            flat.extend(row["ids"])
            weights.extend(row["weights"])
        return (
            torch.tensor(flat, dtype=torch.long),
            torch.tensor(weights, dtype=torch.float32),
            torch.tensor(offsets, dtype=torch.long),
            torch.tensor([1.0 if r["spam"] else 0.0 for r in rows]),
        )

    class FastText(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.EmbeddingBag(buckets, dim, mode="sum")
            self.output = nn.Linear(dim, 1)

        def forward(self, ids, weights, offsets):
            mean = self.embedding(ids, offsets, per_sample_weights=weights)
            return self.output(mean).squeeze(1)

    def evaluate(model, rows):
        model.eval()
        loss_sum, probabilities = 0.0, []
        with torch.no_grad():
            for i in range(0, len(rows), 256):
                ids, weights, offsets, labels = tensors(rows[i : i + 256])
                logits = model(ids, weights, offsets)
                loss_sum += loss_fn(logits, labels).item() * len(labels)
                probabilities.extend(torch.sigmoid(logits).tolist())
        model.train()
        return loss_sum / max(len(rows), 1), probabilities

    train, valid = parts["train"], parts["valid"]
    loss_fn = nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    model = FastText()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-5)
    generator = torch.Generator().manual_seed(seed)
    best, best_loss, since_best, ran = None, None, 0, 0
    for _ in range(epochs):
        ran += 1
        order = torch.randperm(len(train), generator=generator).tolist()
        for i in range(0, len(order), batch_size):
            ids, weights, offsets, labels = tensors([train[j] for j in order[i : i + batch_size]])
            optimizer.zero_grad()
            loss = loss_fn(model(ids, weights, offsets), labels)
            loss.backward()
            optimizer.step()
        valid_loss, _ = evaluate(model, valid)
        if best_loss is None or valid_loss < best_loss - 1e-4:
            best_loss, since_best = valid_loss, 0
            best = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            since_best += 1
            if since_best >= patience:
                break
    model.load_state_dict(best)
    seconds = time.perf_counter() - start
    _, probabilities = evaluate(model, parts["test"])
    result = figures([p >= 0.5 for p in probabilities], [r["spam"] for r in parts["test"]])
    return {"seconds": seconds, "epochs": ran, "threads": torch.get_num_threads(),
            "version": torch.__version__, **result}


def run_sklearn(parts):
    import sklearn
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    train = parts["train"]
    start = time.perf_counter()
    vectoriser = HashingVectorizer(n_features=2**17, ngram_range=(1, 2), alternate_sign=False)
    model = LogisticRegression(max_iter=1000)
    model.fit(vectoriser.transform([r["text"] for r in train]), [r["spam"] for r in train])
    seconds = time.perf_counter() - start
    test = parts["test"]
    predicted = model.predict(vectoriser.transform([r["text"] for r in test]))
    result = figures([bool(p) for p in predicted], [r["spam"] for r in test])
    return {"seconds": seconds, "version": sklearn.__version__, **result}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("torch", "sklearn"):
        sys.exit("usage: train_peer.py torch|sklearn SPLIT.jsonl")
    parts = load(sys.argv[2])
    result = run_torch(parts) if sys.argv[1] == "torch" else run_sklearn(parts)
    result["peak_kib"] = peak_kib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
