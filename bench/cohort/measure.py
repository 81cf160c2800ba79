"""Runs a command and reports its wall time and the peak memory of its
whole process tree (the sum of every descendant's resident set, sampled
every 0.2 s), as one JSON line on stderr. Usage: measure.py LABEL -- CMD..."""
import json
import os
import subprocess
import sys
import time


def tree_rss_kib(root):
    """Resident memory of `root` and all its descendants, in KiB."""
    children = {}
    rss = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        # The command name may hold spaces: the fields after it start at ')'.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(pid))
        rss[int(pid)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def main():
    label = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    start = time.monotonic()
    child = subprocess.Popen(cmd)
    peak = 0
    while child.poll() is None:
        peak = max(peak, tree_rss_kib(child.pid))
        time.sleep(0.2)
    wall = time.monotonic() - start
    print(json.dumps({"label": label, "seconds": round(wall, 2), "peak_kib": peak,
                      "exit": child.returncode}), file=sys.stderr)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()
