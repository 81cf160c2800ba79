"""The ingest benchmark's peer: Python's standard `email` package doing the
same parse and body extraction as the gather stage, on the same files.

Reads the corpus manifest (tab-separated, a `path` column), parses every
file with `email.message_from_bytes` and the modern policy, takes the body
the way the gather stage does (plain text first, else HTML), and prints one
JSON line: messages, bodies found, failures, seconds, peak RSS in KiB.
"""

import email
import email.policy
import json
import resource
import sys
import time


def main(root, manifest):
    with open(manifest, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        column = header.index("path")
        paths = [line.rstrip("\n").split("\t")[column] for line in f if line.strip()]
    start = time.perf_counter()
    bodies = failures = 0
    for path in paths:
        with open(f"{root}/{path}", "rb") as f:
            raw = f.read()
        try:
            message = email.message_from_bytes(raw, policy=email.policy.default)
            part = message.get_body(preferencelist=("plain", "html"))
            text = part.get_content() if part is not None else ""
            if text.strip():
                bodies += 1
        except Exception:  # noqa: BLE001 - a failure is counted, as the stage counts quarantine
            failures += 1
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"messages": len(paths), "bodies": bodies, "failures": failures,
                      "seconds": seconds, "peak_kib": peak_kib}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
