"""CPU time of ``import ppa_core`` against ``import pendulum, attrs``, in fresh interpreters.

Each sample is one new interpreter that imports the target and reports the
process's CPU time (``time.process_time``) before and after the import (CPU time, not wall
time: the machine is shared and noisy). The figure is the best of ``--repeat``
samples, for each target, interleaved so that load drifts hit both alike.

    python benchmarks/bench_import.py               # best of 15
    python benchmarks/bench_import.py --repeat 30
    python benchmarks/bench_import.py --instructions   # valgrind: load-independent

``--instructions`` counts the instructions each import executes instead (valgrind's
callgrind, one run each, minus an interpreter that imports nothing): the same on a
loaded machine as on an idle one, and a little stricter than CPU time.

Target (issue 19): ``import ppa_core`` costs at most 2x ``import pendulum, attrs``,
its two heaviest dependencies, which it cannot avoid.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

TARGET_RATIO = 2.0

_PROBE = """
import sys, time
t0 = time.process_time()
import {modules}
t1 = time.process_time()
heavy = ("pandas", "matplotlib", "ppa_core.modelling", "hypothesis")
leaked = [m for m in heavy if m in sys.modules]
print(t1 - t0, ",".join(leaked))
"""


def sample(modules: str, env: dict[str, str]) -> tuple[float, str]:
    """One fresh interpreter's CPU seconds for ``import modules``, and heavy modules it loaded."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(modules=modules)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[0]), (out[1] if len(out) > 1 else "")


_VALGRIND = ("valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null")


def instructions(code: str, env: dict[str, str]) -> int:
    """Instructions a fresh interpreter executes running ``code`` (valgrind's callgrind)."""
    run = subprocess.run(
        [*_VALGRIND, sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{run.stderr}")
    return int(found.group(1))


def count_instructions(env: dict[str, str]) -> float:
    """Print the instruction counts of both imports; return their ratio."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind on the PATH (apt-get install valgrind)")
    for code in ("import ppa_core", "import pendulum, attrs"):
        subprocess.run([sys.executable, "-c", code], check=True, env=env)  # writes bytecode
    start = instructions("pass", env)
    base = instructions("import pendulum, attrs", env) - start
    ours = instructions("import ppa_core", env) - start
    print(f"import pendulum, attrs   {base / 1e6:7.1f} M instructions")
    print(f"import ppa_core          {ours / 1e6:7.1f} M instructions")
    return ours / base


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="samples per target (best of)")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions (valgrind), not CPU time"
    )
    args = parser.parse_args()
    best = {"pendulum, attrs": float("inf"), "ppa_core": float("inf")}
    leaked = ""
    # Bytecode as an installed package has it: written once (to a scratch prefix, even
    # where PYTHONDONTWRITEBYTECODE is set, as on this machine), then only read. Without
    # it, every sample would compile ppa_core's source and measure the compiler.
    cache = tempfile.mkdtemp(prefix="bench-import-pyc-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    if args.instructions:
        ratio = count_instructions(env)
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"ratio                    {ratio:7.2f}x   target <= {TARGET_RATIO}x: {verdict}")
        return 0 if ratio <= TARGET_RATIO else 1
    for modules in best:
        sample(modules, env)
    for _ in range(args.repeat):
        for modules, so_far in best.items():
            seconds, heavy = sample(modules, env)
            best[modules] = min(so_far, seconds)
            if modules == "ppa_core":
                leaked = heavy
    base, ours = best["pendulum, attrs"], best["ppa_core"]
    ratio = ours / base if base else float("inf")
    print(f"import pendulum, attrs   {base * 1000:7.1f} ms CPU (best of {args.repeat})")
    print(f"import ppa_core          {ours * 1000:7.1f} ms CPU (best of {args.repeat})")
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"ratio                    {ratio:7.2f}x   target <= {TARGET_RATIO}x: {verdict}")
    print(f"heavy modules imported:  {leaked or 'none'}")
    return 0 if ratio <= TARGET_RATIO and not leaked else 1


if __name__ == "__main__":
    raise SystemExit(main())
