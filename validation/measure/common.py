"""Timing, time budget, throttle monitoring and record writing for measure.py.

Only the Python standard library and torch are used.
"""

import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time

import torch


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def quantile(sorted_values, q):
    """Linear-interpolation quantile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    pos = q * (len(sorted_values) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def spread_of(samples):
    s = sorted(samples)
    med = quantile(s, 0.5)
    return (quantile(s, 0.9) - quantile(s, 0.1)) / med if med > 0 else 0.0


class Skip(Exception):
    """An item that is not measured; the message becomes the skipped record's reason."""


# ---------------------------------------------------------------------------- throttle monitor

# NVML clock-event reasons that mark a measurement as throttled (the software power cap is not one:
# a GPU at its power limit under sustained load is the regime real jobs run in).
THROTTLE_BITS = {0x8: "hw_slowdown", 0x20: "sw_thermal", 0x40: "hw_thermal", 0x80: "hw_power_brake"}


class ThrottleMonitor:
    """Polls nvidia-smi in one background process (every 200 ms) for clock-event reasons, so that
    each measurement can say whether the GPU throttled while it ran. Unavailable without nvidia-smi."""

    def __init__(self, gpu_index):
        self.samples = []  # (perf_counter time, reasons bitmask)
        self.proc = None
        self.available = False
        exe = shutil.which("nvidia-smi")
        if exe is None:
            return
        field = None
        for f in ("clocks_event_reasons.active", "clocks_throttle_reasons.active"):
            try:
                r = subprocess.run([exe, "-i", str(gpu_index), "--query-gpu=" + f, "--format=csv,noheader"],
                                   capture_output=True, text=True, timeout=10)
            except (OSError, subprocess.SubprocessError):
                return
            if r.returncode == 0 and r.stdout.strip().startswith("0x"):
                field = f
                break
        if field is None:
            return
        try:
            self.proc = subprocess.Popen(
                [exe, "-i", str(gpu_index), "--query-gpu=" + field, "--format=csv,noheader", "-lms", "200"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            return
        self.available = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.strip()
            try:
                self.samples.append((time.perf_counter(), int(line, 16)))
            except ValueError:
                continue

    def throttled(self, t0, t1):
        """(throttled, reasons) over [t0, t1], widened by one polling period; (None, []) when unknown."""
        if not self.available:
            return None, []
        bits = 0
        for t, b in list(self.samples):
            if t0 - 0.25 <= t <= t1 + 0.25:
                bits |= b
        names = [n for bit, n in THROTTLE_BITS.items() if bits & bit]
        return bool(names), names

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ---------------------------------------------------------------------------- timing


class Timer:
    """Median time of a callable: CUDA events on a GPU, time.perf_counter on the CPU.

    A warm-up call (lazy initialisation, autotuning) is never timed. Calls shorter than about 2 ms
    are timed several per sample (calls_per_sample) so that launch gaps do not dominate. Samples
    are taken until the median is stable ((p90 - p10) / median below `target`), a sample cap, or
    the item's time cap."""

    def __init__(self, device, monitor=None):
        self.device = device
        self.cuda = device.type == "cuda"
        self.monitor = monitor

    def sync(self):
        if self.cuda:
            torch.cuda.synchronize(self.device)

    def _sample(self, fn, reps):
        if self.cuda:
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(reps):
                fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end) / 1e3 / reps
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        return (time.perf_counter() - t0) / reps

    def measure(self, fn, cap_s, target=0.02, max_samples=50):
        """Times fn; returns a dict of time_s, samples, spread, calls_per_sample, first_call_s,
        throttled (and throttled_by when it did). Raises Skip when cap_s leaves no time to start."""
        if cap_s <= 0:
            raise Skip("time budget: no time left for this item")
        wall0 = time.perf_counter()
        fn()  # warm-up
        self.sync()
        first = time.perf_counter() - wall0
        reps = 1
        if first < 0.05:  # short: a few more warm-up calls, then size the samples
            for _ in range(3):
                fn()
            per = self._sample(fn, 1)
            per = min(per, self._sample(fn, 1))
            target_sample = 2e-3 if self.cuda else 1e-3
            if per < target_sample:
                reps = min(200, max(1, int(math.ceil(target_sample / max(per, 1e-7)))))
        min_samples = 2 if first > 1.0 else 5 if first > 0.1 else 10
        samples = []
        t_start = time.perf_counter()
        while True:
            samples.append(self._sample(fn, reps))
            n = len(samples)
            now = time.perf_counter()
            if n >= max_samples:
                break
            if n >= min_samples and spread_of(samples) <= target:
                break
            per_sample = sorted(samples)[n // 2] * reps
            if now + per_sample - wall0 > cap_s:
                break
        t_end = time.perf_counter()
        s = sorted(samples)
        out = {
            "time_s": quantile(s, 0.5),
            "samples": len(samples),
            "spread": round(spread_of(samples), 5),
            "calls_per_sample": reps,
            "first_call_s": round(first, 6),
        }
        if self.monitor is not None:
            thr, why = self.monitor.throttled(t_start, t_end)
            out["throttled"] = thr
            if thr:
                out["throttled_by"] = why
        return out


# ---------------------------------------------------------------------------- budget


class Budget:
    """A global deadline split into sections by share; time a section does not use rolls over to
    the sections after it."""

    def __init__(self, total_s, shares):
        self.start = time.perf_counter()
        self.deadline = self.start + total_s
        self.shares = dict(shares)
        self.order = list(shares)
        self.ends = {}

    def remaining(self):
        return self.deadline - time.perf_counter()

    def open(self, name):
        """Starts section `name`; returns its end (perf_counter time)."""
        i = self.order.index(name)
        left = sum(self.shares[n] for n in self.order[i:])
        share = self.shares[name] / left if left > 0 else 1.0
        end = time.perf_counter() + max(0.0, self.remaining()) * share
        self.ends[name] = end
        return end

    def elapsed(self):
        return time.perf_counter() - self.start


# ---------------------------------------------------------------------------- records


class Writer:
    """JSON lines to a file (flushed after each record) and a tally for the summary."""

    def __init__(self, path):
        self.path = path
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        self.f = open(path, "w", encoding="utf-8")
        self.counts = {}
        self.skipped = []

    def write(self, record):
        self.f.write(json.dumps(record, separators=(", ", ": ")) + "\n")
        self.f.flush()
        kind = record.get("record")
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind == "skipped":
            self.skipped.append(record)

    def close(self):
        self.f.close()


def first_line(e):
    """The reason an item failed: the first line of the error, with its type unless it is a Skip."""
    text = str(e).strip().splitlines()
    msg = text[0] if text else ""
    return (msg if isinstance(e, Skip) else type(e).__name__ + ": " + msg)[:300]


def free_memory(device):
    """Bytes the allocator can still get on `device` (free on the GPU plus what the cache holds)."""
    if device.type != "cuda":
        return float("inf")
    free, _total = torch.cuda.mem_get_info(device)
    cached = torch.cuda.memory_reserved(device) - torch.cuda.memory_allocated(device)
    return free + cached


def release(device):
    import gc

    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
