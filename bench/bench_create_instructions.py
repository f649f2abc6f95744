"""Instructions of Python one API request creation costs, counted by valgrind (callgrind).

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_create_instructions.py [--requests 100] [--runs 2]

The CPU time of one creation moves by half with the shared machine's speed (bench/README.md), so
comparing two versions of the code by time needs many alternating rounds. The number of
instructions the process executes does not move with the machine: two runs of the same code
agree within about 1 %. The creations run in-process as in bench_create_cpu.py (the real API
view, Django's test client, the bench admin's token); valgrind counts only between the warm-up
and the end of the measured creations (`callgrind_control -i on/off`), so start-up is left out.
PostgreSQL's side is not counted (use bench_create_cpu.py). Needs valgrind (`apt-get install
valgrind`); a run of 100 creations takes about 40 s. The requests made are deleted afterwards.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def count_once(requests: int) -> float:
    """Instructions per creation of one valgrind run."""
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={scratch}/callgrind.out",
            sys.executable, str(HERE / "bench_create_cpu.py"), "--requests", str(requests), "--rounds", "1",
            "--callgrind",
        ]  # fmt: skip
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
    collected = re.search(r"Collected : (\d+)", finished.stderr)
    if collected is None:
        raise RuntimeError(f"valgrind gave no count:\n{finished.stderr[-2000:]}")
    return int(collected.group(1)) / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="creations counted per run")
    parser.add_argument("--runs", type=int, default=2, help="valgrind runs (they should agree within ~1 %%)")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL must name the 5,000,000-request database (bench/README.md)")
    counts = [count_once(args.requests) for _ in range(args.runs)]
    figures = " / ".join(f"{count / 1e6:.2f}" for count in counts)
    print(f"Python instructions per creation: {figures} M ({args.runs} runs of {args.requests})")


if __name__ == "__main__":
    main()
