"""The CPython column of ActorPool.Benchmarks: concurrent.futures.ThreadPoolExecutor doing the same three things.

Usage: python3 cpython_bench.py WORKERS CALLS MAP_ITEMS ROUND_TRIPS REPS

Each benchmark runs once to warm up (the pool starts its threads lazily), then REPS times; one JSON object with
the medians goes to stdout, for Program.cs to parse.
"""
import gc
import json
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def inc(x):
    return x + 1


def submit_collect(executor, n):
    futures = [executor.submit(inc, i) for i in range(n)]
    return sum(f.result() for f in futures)


def map_all(executor, n):
    return sum(executor.map(inc, range(n)))


def round_trip(executor, n):
    total = 0
    for i in range(n):
        total += executor.submit(inc, i).result()
    return total


def median_seconds(reps, run, executor, n):
    expected = n * (n + 1) // 2
    run(executor, n)
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.perf_counter()
        total = run(executor, n)
        times.append(time.perf_counter() - start)
        if total != expected:
            raise AssertionError(f"{run.__name__}: checksum {total} != {expected}")
    return statistics.median(times)


def main():
    workers, calls, map_items, round_trips, reps = (int(a) for a in sys.argv[1:6])
    with ThreadPoolExecutor(max_workers=workers) as executor:
        submit_s = median_seconds(reps, submit_collect, executor, calls)
        map_s = median_seconds(reps, map_all, executor, map_items)
        round_trip_s = median_seconds(reps, round_trip, executor, round_trips)
    json.dump({
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "workers": workers,
        "submit_collect_calls_per_s": calls / submit_s,
        "map_items_per_s": map_items / map_s,
        "round_trip_us": round_trip_s * 1e6 / round_trips,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
