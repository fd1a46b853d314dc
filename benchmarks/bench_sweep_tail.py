"""A sweep's serial part: what the parent does with 40 chunks of 250 simulated months.

The chunks of ``bench_scenario.py``'s sweep (10,000 months, five models) are computed
once here, then the parent's work is timed by CPU (best of ``--repeat``): reading
each chunk's result as it comes in, and its tail after the last one (adding the last
chunk, the summaries). It runs against any checkout: where sweeps ship tallies
(``run_chunk_tallies``) it times those, else columns of figures.

``--only`` runs up to one piece, to count instructions with callgrind, which the load
of other processes does not move: ``worker`` minus ``setup`` is what workers spend to
ship the chunks, ``parent`` minus ``worker`` the parent's whole work. ``--parts FILE``
keeps the chunks' figures in FILE (computed once, outside callgrind: simulating them
there takes many minutes):

    python benchmarks/bench_sweep_tail.py --parts /tmp/parts.pkl
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \\
        python benchmarks/bench_sweep_tail.py --parts /tmp/parts.pkl --only parent
    # and the same with --only worker, --only setup
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import time
from typing import Any

from bench_scenario import MODELS, PLAN
from ppa_core.modelling import figures as figures_module
from ppa_core.modelling import sweep as sweep_module
from ppa_core.modelling.scenario import Scenario, ScenarioResult

TALLIED = hasattr(sweep_module, "run_chunk_tallies")


def chunk_figures(runs: int, chunks: int, seed: int) -> tuple[Scenario, list[Any]]:
    scenario = Scenario.build(PLAN, MODELS)
    size = max(1, runs // chunks)
    parts = [
        sweep_module.run_chunk_figures(
            sweep_module.Chunk(
                0, scenario, seed, start, min(start + size, runs), keep_outcomes=False
            )
        )[0]
        for start in range(0, runs, size)
    ]
    return scenario, parts


def shipped(part: Any) -> bytes:
    """What a worker sends back for a chunk, pickled."""
    return pickle.dumps(figures_module.RunTallies.of(part) if TALLIED else part)


def parent(scenario: Scenario, seed: int, blobs: list[bytes]) -> tuple[float, float]:
    """The parent's CPU while chunks come in, and after the last one."""
    start = time.process_time()
    if TALLIED:
        builder = figures_module.RunTalliesBuilder(len(scenario.models))
        for blob in blobs[:-1]:
            builder.add(pickle.loads(blob))
        middle = time.process_time()
        builder.add(pickle.loads(blobs[-1]))
        ScenarioResult.from_tallies(scenario, seed, builder.build())
    else:
        parts = [pickle.loads(blob) for blob in blobs[:-1]]
        middle = time.process_time()
        parts.append(pickle.loads(blobs[-1]))
        ScenarioResult.from_figures(scenario, seed, figures_module.RunFigures.join(parts))
    end = time.process_time()
    return middle - start, end - middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--chunks", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["setup", "worker", "parent"], default=None)
    parser.add_argument("--parts", default=None, help="a file that keeps the chunks' figures")
    args = parser.parse_args()
    if args.parts and os.path.exists(args.parts):
        with open(args.parts, "rb") as kept:
            scenario, parts = pickle.load(kept)
    else:
        scenario, parts = chunk_figures(args.runs, args.chunks, args.seed)
        if args.parts:
            with open(args.parts, "wb") as keep:
                pickle.dump((scenario, parts), keep)
    if args.only == "worker":
        [shipped(part) for part in parts]
    if args.only in ("setup", "worker"):
        return
    blobs = [shipped(part) for part in parts]
    if args.only == "parent":
        parent(scenario, args.seed, blobs)
        return
    best = (float("inf"), float("inf"))
    for _ in range(args.repeat):
        gc.collect()
        overlapped, tail = parent(scenario, args.seed, blobs)
        best = (min(best[0], overlapped), min(best[1], tail))
    gc.collect()
    start = time.process_time()
    for part in parts:
        shipped(part)
    worker = time.process_time() - start
    kind = "tallies" if TALLIED else "figures"
    print(
        f"{kind}: the parent {best[0]:.3f} s CPU while chunks come in, {best[1]:.3f} s "
        f"after the last (best of {args.repeat}); workers {worker:.3f} s to ship "
        f"{len(parts)} chunks"
    )


if __name__ == "__main__":
    main()
