#!/usr/bin/env python3
"""Draws vidperf's five standard plots from its own outputs (CSV and JSON), as PNG and SVG.

    python3 scripts/plot.py --in DIR --out DIR

DIR holds what scripts/plots.sh writes with the vidperf CLI:
  sweep_frames.csv   vidperf sweep --over frames=... --format csv      -> time_vs_frames
  compare.json       vidperf compare --json                            -> cost_vs_price, time_by_op_kind
  scale.csv          vidperf scale --csv                               -> scaling_efficiency
  shapes_<gpu>.json  vidperf shapes --gpu <gpu> (one per GPU)          -> roofline
  gpus.json          vidperf list gpus --json                          (the roofs)
Needs matplotlib (Debian: python3-matplotlib).
"""
import argparse
import csv
import glob
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KIND_ORDER = ["gemm", "attention", "conv", "pointwise", "copy", "collective"]


def save(fig, out, stem):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"{stem}.{ext}"), dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {stem}.png and {stem}.svg")


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def time_vs_frames(src, out):
    rows = [r for r in read_csv(os.path.join(src, "sweep_frames.csv")) if r["latency_s"]]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for gpu in sorted({r["gpu"] for r in rows}):
        pts = sorted((int(r["frames"]), float(r["latency_s"]), float(r["likely_low_s"]), float(r["likely_high_s"]))
                     for r in rows if r["gpu"] == gpu)
        x = [p[0] for p in pts]
        line, = ax.plot(x, [p[1] for p in pts], marker="o", label=gpu)
        ax.fill_between(x, [p[2] for p in pts], [p[3] for p in pts], color=line.get_color(), alpha=0.15)
    ax.set_xlabel("frames per video")
    ax.set_ylabel("time per video (s)")
    ax.set_title("Job time vs frames (band: likely range)")
    ax.legend()
    ax.grid(alpha=0.3)
    save(fig, out, "time_vs_frames")


def cost_vs_price(src, out):
    doc = json.load(open(os.path.join(src, "compare.json")))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    prices = [0.5 + 0.25 * i for i in range(23)]
    for r in doc["results"]:
        hours = r["gpu_seconds"] / 3600.0
        ax.plot(prices, [p * hours for p in prices], label=f'{r["gpu"]} ({r["latency_s"]:.0f} s)')
    ax.set_xlabel("price per GPU-hour ($)")
    ax.set_ylabel("rental cost per video ($)")
    ax.set_title("Cost per video vs price (no idle time or reruns)")
    ax.legend()
    ax.grid(alpha=0.3)
    save(fig, out, "cost_vs_price")


def scaling_efficiency(src, out):
    rows = read_csv(os.path.join(src, "scale.csv"))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    gpus = [int(r["gpus"]) for r in rows]
    ax.plot(gpus, [100 * float(r["scaling_efficiency"]) for r in rows], marker="o")
    ax.set_xscale("log", base=2)
    ax.set_xticks(gpus, [str(g) for g in gpus])
    ax.set_ylim(0, 105)
    ax.set_xlabel("GPUs per job")
    ax.set_ylabel("scaling efficiency (%)")
    ax.set_title("Multi-GPU scaling of one job")
    ax.grid(alpha=0.3)
    save(fig, out, "scaling_efficiency")


def time_by_op_kind(src, out):
    doc = json.load(open(os.path.join(src, "compare.json")))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    labels = [r["gpu"] for r in doc["results"]]
    bottom = [0.0] * len(labels)
    for kind in KIND_ORDER:
        vals = [r["time_by_op_kind_s"].get(kind, 0.0) for r in doc["results"]]
        if sum(vals) == 0:
            continue
        ax.bar(labels, vals, bottom=bottom, label=kind)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_ylabel("time per video (s)")
    ax.set_title("Where the time goes, by op kind")
    ax.legend()
    save(fig, out, "time_by_op_kind")


def roofline(src, out):
    gpus = {g["slug"]: g for g in json.load(open(os.path.join(src, "gpus.json")))["gpus"]}
    files = sorted(glob.glob(os.path.join(src, "shapes_*.json")))
    fig, ax = plt.subplots(figsize=(6.8, 4.6))
    for path in files:
        doc = json.load(open(path))
        gpu = doc["reference"]["gpu"]
        spec = gpus[gpu]
        peak = spec["dense_peak_TFLOPps"]["bf16"] * 1e12
        bw = spec["hbm_bandwidth_GBps"] * 1e9
        ai = [o["flops"] / o["bytes"] for o in doc["ops"] if o["bytes"] > 0 and o["time_s"] > 0]
        perf = [o["flops"] / o["time_s"] for o in doc["ops"] if o["bytes"] > 0 and o["time_s"] > 0]
        size = [max(5.0, 400 * o["share"]) for o in doc["ops"] if o["bytes"] > 0 and o["time_s"] > 0]
        pts = ax.scatter(ai, perf, s=size, alpha=0.5, label=f"{gpu} ops (size: share of job time)")
        xs = [10 ** (i / 10) for i in range(-10, 51)]
        ax.plot(xs, [min(peak, bw * x) for x in xs], color=pts.get_facecolor()[0][:3], lw=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP / byte)")
    ax.set_ylabel("predicted FLOP/s")
    ax.set_title("Roofline of a job's ops (lines: BF16 peak and HBM bandwidth)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")
    save(fig, out, "roofline")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="src", required=True, help="folder with vidperf's outputs")
    ap.add_argument("--out", required=True, help="folder for the PNG and SVG files")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for plot in (time_vs_frames, cost_vs_price, scaling_efficiency, time_by_op_kind, roofline):
        plot(args.src, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
