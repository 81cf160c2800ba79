"""The monitor benchmark's peer: Evidently's data drift report, and SciPy's
(and NumPy's) drift statistics, on the files the Rust side wrote.

    python peer.py evidently DIR [REPS [WINDOW]]
    python peer.py scipy     DIR [REPS]

DIR holds `reference.jsonl` (5,000 logged predictions) and `current.jsonl`
(10,000), one `LoggedPrediction` a line. Reading them and building the
arrays and data frames is not timed.

`evidently`: `Report([DataDriftPreset()]).run(current, reference)` on the
two data frames made `Dataset`s with an explicit `DataDefinition`, the
columns the monitor reads of a message: numerical `score`, `probability`,
`body_chars`; categorical `content_type`, `charset` (lowercased, `none`
where the message named none, as the monitor counts them) and
`decode_problem`. Evidently chooses each column's method itself (it prints
which). Timed: `Dataset.from_pandas` for both frames and the report's run,
the median of REPS runs (5 by default), after a first run timed apart
(`first_seconds`: a fresh process's first report, some of it Evidently's
lazy set-up). Then, once, one report per window of WINDOW rows (200) of
the current frame against the whole reference (`windows`): what the
monitor's windows would take in Evidently. Then the median of REPS reports
with a `tokens` text column added, each message's hashed token ids joined
by spaces (`with_tokens`): what Evidently does with the tokens, its text
drift method, a classifier that tells reference from current.

`scipy`: on the whole arrays (5,000 reference values against 10,000
current), each the median of REPS calls (201 by default):
- `score_ks`: `ks_2samp(reference, current, method="asymp")`'s statistic,
  the cheapest way SciPy gives it (a p-value comes with it); the default
  call (`method="auto"`, which at these sizes computes the exact p-value)
  is timed too, under `extra`;
- `score_psi`, `length_psi`: PSI written in NumPy as the monitor lab
  defines it (edges at the sorted reference's `i * n // bins`, kept once;
  shares floored at 1e-4; the sum of `(c - r) * ln(c / r)`);
- `tokens_js`: `jensenshannon(p, q, base=2) ** 2` on the two token-count
  distributions as dense vectors aligned over the ids in either (built
  before the clock starts, as our counts are); under `extra`, the same
  with the alignment timed, from two 65,536-bucket count vectors.

Prints one JSON line.
"""

import json
import os
import resource
import sys
import time

import numpy as np

BINS = 10
FLOOR = 1e-4
BUCKETS = 1 << 16
NUMERICAL = ["score", "probability", "body_chars"]
CATEGORICAL = ["content_type", "charset", "decode_problem"]


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def median_time(reps, fn):
    times = []
    value = None
    for _ in range(reps):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2], value


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --- Evidently ---------------------------------------------------------------


def frame(records, tokens):
    import pandas as pd

    columns = {
        "score": [r["score"] for r in records],
        "probability": [r["probability"] for r in records],
        "body_chars": [r["body_chars"] for r in records],
        "content_type": [r["content_type"] for r in records],
        "charset": [(r["charset"] or "none").lower() for r in records],
        "decode_problem": [str(r["decode_problem"]).lower() for r in records],
    }
    if tokens:
        columns["tokens"] = [" ".join(map(str, r["tokens"])) for r in records]
    return pd.DataFrame(columns)


def evidently_once(reference, current, tokens, laps=None):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    start = time.perf_counter()
    definition = DataDefinition(
        numerical_columns=NUMERICAL,
        categorical_columns=CATEGORICAL,
        text_columns=["tokens"] if tokens else [],
    )
    ref = Dataset.from_pandas(reference, data_definition=definition)
    cur = Dataset.from_pandas(current, data_definition=definition)
    if laps is not None:
        laps.append(time.perf_counter() - start)
    return Report([DataDriftPreset()]).run(cur, ref)


def methods(snapshot):
    """Each column's drift method and score, from the snapshot (untimed)."""
    out = {}
    for metric in snapshot.dict()["metrics"]:
        config = metric.get("config", {})
        column = config.get("column")
        if column is not None:
            out[column] = {"method": config.get("method"), "value": metric.get("value")}
    return out


def evidently(directory, reps, window):
    import evidently as ev
    import pandas as pd
    from evidently.presets import DataDriftPreset  # noqa: F401 (imported before any clock)

    reference = load(os.path.join(directory, "reference.jsonl"))
    current = load(os.path.join(directory, "current.jsonl"))
    result = {
        "version": f"Evidently {ev.__version__}, pandas {pd.__version__}",
        "columns": NUMERICAL + CATEGORICAL,
    }
    ref, cur = frame(reference, False), frame(current, False)
    laps = []
    start = time.perf_counter()
    evidently_once(ref, cur, False)
    result["first_seconds"] = time.perf_counter() - start
    seconds, snapshot = median_time(reps, lambda: evidently_once(ref, cur, False, laps))
    result["seconds"] = seconds
    result["from_pandas_seconds"] = sorted(laps)[len(laps) // 2]
    result["methods"] = methods(snapshot)
    # What the monitor's windows would take: one report per window.
    windows = [
        cur.iloc[i : i + window].reset_index(drop=True)
        for i in range(0, len(cur) - window + 1, window)
    ]
    start = time.perf_counter()
    for w in windows:
        snapshot = evidently_once(ref, w, False)
    result["windows"] = {
        "count": len(windows),
        "seconds": time.perf_counter() - start,
        "methods": methods(snapshot),
    }
    ref, cur = frame(reference, True), frame(current, True)
    seconds, snapshot = median_time(reps, lambda: evidently_once(ref, cur, True))
    result["with_tokens"] = {"seconds": seconds, "methods": methods(snapshot).get("tokens")}
    result["peak_kib"] = peak_kib()
    return result


# --- SciPy and NumPy ---------------------------------------------------------


def psi(reference, current, bins=BINS):
    n = len(reference)
    ordered = np.sort(reference)
    edges = ordered[(np.arange(1, bins) * n) // bins]
    # An edge equal to the one before it is kept once.
    edges = edges[np.concatenate(([True], edges[1:] != edges[:-1]))]

    def shares(values):
        counts = np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)
        return np.maximum(counts / len(values), FLOOR)

    r, c = shares(reference), shares(current)
    return float(np.sum((c - r) * np.log(c / r)))


def scipy_stats(directory, reps):
    import scipy
    from scipy.spatial.distance import jensenshannon
    from scipy.stats import ks_2samp

    reference = load(os.path.join(directory, "reference.jsonl"))
    current = load(os.path.join(directory, "current.jsonl"))
    rs = np.array([r["score"] for r in reference], dtype=np.float64)
    cs = np.array([r["score"] for r in current], dtype=np.float64)
    rl = np.array([r["body_chars"] for r in reference], dtype=np.float64)
    cl = np.array([r["body_chars"] for r in current], dtype=np.float64)

    def counts(records):
        ids = np.fromiter((t for r in records for t in r["tokens"]), dtype=np.int64)
        return np.bincount(ids, minlength=BUCKETS)

    rc, cc = counts(reference), counts(current)

    def align():
        union = np.flatnonzero(rc + cc)
        return rc[union].astype(np.float64), cc[union].astype(np.float64)

    p, q = align()

    def js_aligned():
        a, b = align()
        return jensenshannon(a, b, base=2) ** 2

    timed = {
        "score_ks": (
            "scipy ks_2samp (asymp)",
            lambda: ks_2samp(rs, cs, method="asymp").statistic,
        ),
        "score_psi": ("numpy PSI", lambda: psi(rs, cs)),
        "length_psi": ("numpy PSI", lambda: psi(rl, cl)),
        "tokens_js": ("scipy jensenshannon**2", lambda: jensenshannon(p, q, base=2) ** 2),
    }
    extra = {
        "score_ks_default": lambda: ks_2samp(rs, cs).statistic,
        "tokens_js_aligned": js_aligned,
    }
    result = {
        "version": f"SciPy {scipy.__version__}, NumPy {np.__version__}",
        "statistics": {},
        "extra": {},
        "token_ids": len(p),
    }
    for key, (name, fn) in timed.items():
        seconds, value = median_time(reps, fn)
        result["statistics"][key] = {"peer": name, "seconds": seconds, "value": float(value)}
    for key, fn in extra.items():
        # The exact p-value takes far longer: fewer repetitions.
        n = max(3, reps // 20) if key == "score_ks_default" else reps
        seconds, value = median_time(n, fn)
        result["extra"][key] = {"seconds": seconds, "value": float(value), "reps": n}
    result["seconds"] = sum(s["seconds"] for s in result["statistics"].values())
    result["peak_kib"] = peak_kib()
    return result


def main():
    if len(sys.argv) not in (3, 4, 5) or sys.argv[1] not in ("evidently", "scipy"):
        sys.exit("usage: peer.py evidently DIR [REPS [WINDOW]] | peer.py scipy DIR [REPS]")
    part, directory = sys.argv[1], sys.argv[2]
    if part == "evidently":
        reps = int(sys.argv[3]) if len(sys.argv) >= 4 else 5
        window = int(sys.argv[4]) if len(sys.argv) == 5 else 200
        result = evidently(directory, reps, window)
    else:
        reps = int(sys.argv[3]) if len(sys.argv) >= 4 else 201
        result = scipy_stats(directory, reps)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
