"""The serving benchmark's peer: FastAPI + uvicorn (one worker) serving a
scikit-learn spam model, the way a Python team would first write it.

    python peer.py train CLEAN.jsonl MODEL.joblib
    python peer.py serve MODEL.joblib PORT [--handler async|def]

`train` reads the gather stage's clean dataset, learns scikit-learn's
hashing vectoriser (2^17 buckets, words and word pairs, l2-normalised
counts: the training benchmark's scikit-learn peer) and a logistic
regression from four messages in five (every fifth, counting from the
fifth, is held out: the messages the load sends), and saves both with
joblib. It prints one JSON line: seconds, messages, test F1.

`serve` loads the saved model and serves `POST /v1/predict` (and
`POST /v1/predict/batch`, `{"messages": [...]}` scored in one call to the
vectoriser and the model, as scikit-learn is meant to be used) on
127.0.0.1:PORT with uvicorn, one worker (uvloop and httptools when they are
installed, as `uvicorn[standard]` does), no access log (the one setting
changed from uvicorn's defaults: a line per request on a pipe would cost
the peer time our server does not spend). The request is a pydantic model
that refuses unknown fields, as ours does; the answer is the same fields
as ours (request id, model id, score, probability, decision, threshold).
The text the model reads is laid out as the kit's `model_text` lays it
out: subject, sender, content type and charset, a blank line, the body.

`--handler async` (the default) scores inside an `async def` handler, on
the event loop; `--handler def` declares the handler with plain `def`, as
FastAPI's documentation advises for blocking work, so each request is
scored on the thread pool. The async form is the faster of the two here
(no hop to a thread and back for a sub-millisecond call), so the
benchmark uses it unless told otherwise.
"""

import itertools
import json
import os
import sys
import time

HOLD_OUT = 5  # every fifth clean message is held out: the load's messages
THRESHOLD = 0.5


def model_text(subject, sender, body):
    """The kit's `model_text` for a JSON request (plain text, UTF-8)."""
    return f"{subject or ''}\n{sender or ''}\ntext/plain utf-8\n\n{body or ''}"


def clean_text(row):
    """The kit's `Gathered::text`: the message's own content type and charset."""
    return (
        f"{row.get('subject') or ''}\n{row.get('from') or ''}\n"
        f"{row['content_type']} {row.get('charset') or ''}\n\n{row.get('body') or ''}"
    )


def train(clean_path, out_path):
    import joblib
    import sklearn
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    with open(clean_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    start = time.perf_counter()
    fit = [r for i, r in enumerate(rows) if i % HOLD_OUT != HOLD_OUT - 1]
    held = [r for i, r in enumerate(rows) if i % HOLD_OUT == HOLD_OUT - 1]
    vectoriser = HashingVectorizer(n_features=2**17, ngram_range=(1, 2), alternate_sign=False)
    model = LogisticRegression(max_iter=1000)
    model.fit(vectoriser.transform([clean_text(r) for r in fit]), [r["label"] == "spam" for r in fit])
    seconds = time.perf_counter() - start
    predicted = model.predict(vectoriser.transform([clean_text(r) for r in held]))
    f1 = f1_score([r["label"] == "spam" for r in held], predicted)
    joblib.dump({"vectoriser": vectoriser, "model": model}, out_path)
    print(json.dumps({
        "seconds": seconds,
        "train": len(fit),
        "held_out": len(held),
        "held_out_f1": f1,
        "sklearn": sklearn.__version__,
    }))


def app_for(model_path, handler):
    import joblib
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict, Field

    saved = joblib.load(model_path)
    vectoriser, model = saved["vectoriser"], saved["model"]
    model_id = "sklearn-" + os.path.basename(model_path).split(".")[0]
    counter = itertools.count(1)

    class PredictRequest(BaseModel):
        """A message as its parts; unknown fields are refused, as ours refuses them."""

        model_config = ConfigDict(extra="forbid")
        subject: str | None = None
        # `from` is a Python keyword: the field is `sender`, `from` in JSON.
        sender: str | None = Field(default=None, alias="from")
        body: str

    class Prediction(BaseModel):
        request_id: str
        model_id: str
        score: float
        probability: float
        spam: bool
        threshold: float

    class BatchRequest(BaseModel):
        model_config = ConfigDict(extra="forbid")
        messages: list[PredictRequest]

    class BatchResponse(BaseModel):
        model_id: str
        predictions: list[Prediction]

    def predictions(requests: list[PredictRequest]) -> list[Prediction]:
        texts = [model_text(r.subject, r.sender, r.body) for r in requests]
        probabilities = model.predict_proba(vectoriser.transform(texts))[:, 1]
        return [
            Prediction(
                request_id=f"r{next(counter):012}",
                model_id=model_id,
                score=float(p),
                probability=float(p),
                spam=bool(p >= THRESHOLD),
                threshold=THRESHOLD,
            )
            for p in probabilities
        ]

    def score(request: PredictRequest) -> Prediction:
        return predictions([request])[0]

    def score_batch(batch: BatchRequest) -> BatchResponse:
        return BatchResponse(model_id=model_id, predictions=predictions(batch.messages))

    app = FastAPI(title="spam filter (benchmark peer)")

    if handler == "def":
        @app.post("/v1/predict", response_model=Prediction)
        def predict(request: PredictRequest) -> Prediction:
            return score(request)

        @app.post("/v1/predict/batch", response_model=BatchResponse)
        def predict_batch(batch: BatchRequest) -> BatchResponse:
            return score_batch(batch)
    else:
        @app.post("/v1/predict", response_model=Prediction)
        async def predict(request: PredictRequest) -> Prediction:
            return score(request)

        @app.post("/v1/predict/batch", response_model=BatchResponse)
        async def predict_batch(batch: BatchRequest) -> BatchResponse:
            return score_batch(batch)

    @app.get("/readyz")
    async def readyz():
        return {"ready": True, "model_id": model_id}

    return app


def serve(model_path, port, handler):
    import fastapi
    import uvicorn

    app = app_for(model_path, handler)
    versions = {
        "fastapi": fastapi.__version__,
        "uvicorn": uvicorn.__version__,
        "python": sys.version.split()[0],
        "handler": handler,
    }
    for name in ("uvloop", "httptools", "pydantic", "sklearn"):
        try:
            versions[name] = __import__(name).__version__
        except ImportError:
            versions[name] = None
    print(json.dumps(versions), flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, access_log=False, log_level="warning")


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "train":
        train(args[1], args[2])
    elif len(args) in (3, 5) and args[0] == "serve":
        handler = "async"
        if len(args) == 5:
            if args[3] != "--handler" or args[4] not in ("async", "def"):
                sys.exit("usage: peer.py serve MODEL.joblib PORT [--handler async|def]")
            handler = args[4]
        serve(args[1], int(args[2]), handler)
    else:
        sys.exit("usage: peer.py train CLEAN.jsonl MODEL.joblib | peer.py serve MODEL.joblib PORT [--handler async|def]")


if __name__ == "__main__":
    main()
