"""The CPython column of ActorPool.Benchmarks' process pool table: concurrent.futures.ProcessPoolExecutor.

Usage: python3 cpython_process_bench.py WORKERS CALLS MAP_ITEMS CHUNK ROUND_TRIPS REPS

Same work as the .NET side: submit-then-collect, map with a chunk size, the sequential round trip, and the
cold start (constructor to first result, a new pool each time). Medians of REPS after one warm-up, as JSON.
"""
import gc
import json
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor


def inc(x):
    return x + 1


def median(reps, measure):
    measure()
    times = []
    for _ in range(reps):
        gc.collect()
        times.append(measure())
    return statistics.median(times)


def timed(run, expected):
    start = time.perf_counter()
    total = run()
    elapsed = time.perf_counter() - start
    if total != expected:
        raise AssertionError(f"checksum {total} != {expected}")
    return elapsed


def cold_start(workers):
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as executor:
        executor.submit(inc, 1).result()
        return time.perf_counter() - start


def main():
    workers, calls, map_items, chunk, round_trips, reps = (int(a) for a in sys.argv[1:7])
    with ProcessPoolExecutor(max_workers=workers) as executor:
        submit_s = median(reps, lambda: timed(
            lambda: sum(f.result() for f in [executor.submit(inc, i) for i in range(calls)]), calls * (calls + 1) // 2))
        map_s = median(reps, lambda: timed(
            lambda: sum(executor.map(inc, range(map_items), chunksize=chunk)), map_items * (map_items + 1) // 2))
        round_trip_s = median(reps, lambda: timed(
            lambda: sum(executor.submit(inc, i).result() for i in range(round_trips)), round_trips * (round_trips + 1) // 2))
    cold_s = median(reps, lambda: cold_start(workers))
    json.dump({
        "python": platform.python_version(),
        "submit_collect_calls_per_s": calls / submit_s,
        "map_items_per_s": map_items / map_s,
        "round_trip_us": round_trip_s * 1e6 / round_trips,
        "cold_start_ms": cold_s * 1e3,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
