"""Start-up of a `flask` command: `flask lms hours --help` (create_app, every blueprint, the CLI) in a fresh
process, wall and CPU time (user + system), median of --repeat, for this checkout and optionally another one
(`--before /path/to/an/older/checkout`) interleaved in the same run; and what is imported (-X importtime) by
the top-level packages that cost most.

    python -m bench.startup [--before /tmp/old-checkout] [--repeat 3]
"""
from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _run(tree: Path, *extra: str) -> tuple[float, float, str]:
    env = {**os.environ, "FLASK_APP": "wsgi.py", "LMS_INSTANCE_DIR": tempfile.gettempdir() + "/lms-startup-bench",
           "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *extra, "-m", "flask", "lms", "hours", "--help"], cwd=tree, env=env,
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stderr


def _heaviest(stderr: str, count: int = 8) -> str:
    own = collections.Counter()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            parts = line.split("|")
            own[parts[2].strip().split(".")[0]] += int(parts[0].split(":")[1])
    return ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in own.most_common(count))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    trees = {"this checkout": HERE, **({"before": args.before.resolve()} if args.before else {})}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    for tree in trees.values():
        _run(tree)                                   # warm the file cache and the .pyc files
    for _ in range(args.repeat):
        for name, tree in trees.items():
            wall, cpu, _stderr = _run(tree)
            results[name].append((wall, cpu))
    print(f"`flask lms hours --help`, median of {args.repeat}, load average {os.getloadavg()[0]:.2f}\n")
    print("| checkout | wall | CPU (user+sys) | heaviest imports (self time, by top-level package, one run) |")
    print("|---|---|---|---|")
    for name, tree in trees.items():
        wall = statistics.median(w for w, _ in results[name])
        cpu = statistics.median(c for _, c in results[name])
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {_heaviest(_run(tree, '-X', 'importtime')[2])} |")


if __name__ == "__main__":
    main()
