"""The served real model, from outside: every route answers as documented,
and the test split replayed raw scores exactly as the evaluation scored it.

Run by .ci/run with NINETY_HOME holding the real corpus and an evaluated
model, and the server listening at the address given.
"""
import json
import os
import sys
import urllib.error
import urllib.request

base, model_id = sys.argv[1], sys.argv[2]
home = os.environ["NINETY_HOME"]


def call(method, path, body=None, content_type="application/json", token=None):
    req = urllib.request.Request(base + path, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", content_type)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


status, _, body = call("GET", "/healthz")
assert status == 200 and body.strip() == b"ok", (status, body)
status, _, body = call("GET", "/readyz")
ready = json.loads(body)
assert status == 200 and ready["ready"] and ready["model_id"] == model_id, ready

# The test split, raw, through the server: no skew, exactly.
corpus = os.path.join(home, "corpora", "spamassassin")
scores = [json.loads(l) for l in open(os.path.join(home, "models", model_id, "test-scores.jsonl"))]
for s in scores:
    raw = open(os.path.join(corpus, s["path"]), "rb").read()
    status, _, body = call("POST", "/v1/predict", raw, "message/rfc822")
    assert status == 200, (s["path"], status, body)
    served = json.loads(body)["score"]
    assert served == s["score"], (s["path"], served, s["score"])
print(f"test split replayed raw: {len(scores)} messages, every served score equal to the offline score")

status, _, body = call("POST", "/v1/predict", json.dumps({"subject": "YOU HAVE WON", "body": "Claim your $1,000,000 prize now, click here"}).encode())
won = json.loads(body)
assert status == 200 and won["model_id"] == model_id, won
status, _, body = call("POST", "/v1/predict/batch", json.dumps({"messages": [{"body": "lunch at noon?"}, {"subject": "cheap meds", "body": "buy now"}]}).encode())
batch = json.loads(body)
assert status == 200 and len(batch["predictions"]) == 2, batch
status, _, body = call("POST", "/v1/feedback", json.dumps({"request_id": won["request_id"], "label": "spam"}).encode())
assert status == 202, (status, body)
for bad, expected in [(b"{nope", 400), (b'{"bdy": "x"}', 400), (b'{"body": " "}', 422)]:
    status, ctype, body = call("POST", "/v1/predict", bad)
    assert status == expected and ctype.startswith("application/json") and json.loads(body)["error"], (bad, status, body)
status, _, body = call("POST", "/v1/predict", b"a,b", "text/csv")
assert status == 415, (status, body)
status, _, body = call("GET", "/nowhere")
assert status == 404 and json.loads(body)["code"] == "not-found", body
status, _, body = call("GET", "/v1/status")
assert status == 200 and json.loads(body)["predictions"] >= len(scores), body
status, _, body = call("GET", "/openapi.json")
doc = json.loads(body)
assert status == 200 and "/v1/predict" in doc["paths"] and doc["openapi"].startswith("3."), list(doc)


def samples(text):
    """The samples of a Prometheus text exposition, by name with labels."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


# /metrics after the predictions: the scores and the input health counted,
# and the drift of the last window against the model's reference. The
# window holds test split messages, so nothing has drifted.
status, ctype, body = call("GET", "/metrics")
assert status == 200 and ctype.startswith("text/plain; version=0.0.4"), (status, ctype)
metrics = body.decode()
assert f'ninety_model_info{{model_id="{model_id}"}} 1' in metrics, metrics
open("target/ninety/metrics-real.txt", "w").write(metrics)
m = samples(metrics)
predictions = m['ninety_predictions_total{decision="spam"}'] + m['ninety_predictions_total{decision="ham"}']
assert m["ninety_prediction_score_count"] == predictions >= len(scores) + 3, (m["ninety_prediction_score_count"], predictions)
assert m["ninety_input_body_chars_count"] == predictions, m["ninety_input_body_chars_count"]
assert sum(v for k, v in m.items() if k.startswith("ninety_input_charset_total{")) == predictions
assert m["ninety_input_html_total"] > 0 and m['ninety_input_charset_total{charset="iso-8859-1"}'] > 0, metrics
assert m["ninety_drift_window_predictions"] == 200, m.get("ninety_drift_window_predictions")
assert m["ninety_drift_reference_predictions"] == len(scores), m["ninety_drift_reference_predictions"]
drift = {k: m[k] for k in ("ninety_drift_score_psi", "ninety_drift_score_ks", "ninety_drift_tokens_js", "ninety_input_oov_ratio", "ninety_input_reference_oov_ratio")}
assert drift["ninety_drift_score_psi"] < 0.25 and drift["ninety_drift_score_ks"] < 0.2, drift
assert drift["ninety_input_oov_ratio"] - drift["ninety_input_reference_oov_ratio"] < 0.1, drift
print(f"/metrics after {predictions:.0f} predictions: {m['ninety_input_html_total']:.0f} HTML, {m['ninety_input_decode_problems_total']:.0f} decode problems, "
      f"{m['ninety_input_empty_bodies_total']:.0f} empty; the last 200 against the reference: " + ", ".join(f"{k.removeprefix('ninety_')} {v:.4f}" for k, v in drift.items()))

status, _, body = call("POST", "/admin/reload")
assert status == 401, (status, body)
token = open(os.path.join(home, "serve", "admin-token")).read().strip()
assert oct(os.stat(os.path.join(home, "serve", "admin-token")).st_mode & 0o777) == "0o600"
status, _, body = call("POST", "/admin/promote", json.dumps({"model_id": model_id}).encode(), token=token)
swapped = json.loads(body)
assert status == 200 and swapped["model_id"] == model_id, (status, body)
# The swap started a new drift window; the counters went on.
_, _, body = call("GET", "/metrics")
after = samples(body.decode())
assert after["ninety_drift_window_predictions"] == 0 and "ninety_drift_score_psi" not in after, after.get("ninety_drift_window_predictions")
assert after["ninety_prediction_score_count"] == m["ninety_prediction_score_count"], after["ninety_prediction_score_count"]
print(f"every route answered as documented; {won['score']:.6f} for the prize message, model {model_id} promoted by the admin route")
