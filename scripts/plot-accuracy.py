#!/usr/bin/env python3
"""Predicted against published, log-log, per GPU: docs/accuracy-e2e.png (end-to-end latency rows of
validation/published) and docs/accuracy-ops.png (the public op corpus's test rows, per op family).

usage: plot-accuracy.py ROWS.csv OUT_DIR   (ROWS.csv from `vidperf_validate --plot-csv`)
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def diagonal(ax, lo, hi):
    xs = [lo, hi]
    ax.plot(xs, xs, color="black", lw=0.8)
    for f, style in ((1.25, "--"), (0.8, "--")):
        ax.plot(xs, [x * f for x in xs], color="grey", lw=0.6, ls=style)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.grid(True, which="both", lw=0.3, alpha=0.5)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    rows = list(csv.DictReader(open(sys.argv[1], newline="")))
    out = sys.argv[2].rstrip("/")

    e2e = [r for r in rows if r["set"] == "published" and r["kind"] == "end-to-end"]
    fig, ax = plt.subplots(figsize=(6.5, 6))
    vals = [float(r[k]) for r in e2e for k in ("reference", "predicted", "datasheet")]
    lo, hi = min(vals) / 1.5, max(vals) * 1.5
    diagonal(ax, lo, hi)
    markers = "osD^vP*X"
    for i, gpu in enumerate(sorted({r["gpu"] for r in e2e})):
        sel = [r for r in e2e if r["gpu"] == gpu]
        ax.scatter([float(r["reference"]) for r in sel], [float(r["predicted"]) for r in sel],
                   marker=markers[i % len(markers)], s=36, label=f"{gpu} (vidperf)")
        ax.scatter([float(r["reference"]) for r in sel], [float(r["datasheet"]) for r in sel],
                   marker=markers[i % len(markers)], s=18, facecolors="none", edgecolors="grey", lw=0.6)
    ax.set_xlabel("published time (s, or s/step)")
    ax.set_ylabel("predicted time")
    ax.set_title("End-to-end latency: vidperf (filled) and datasheet roofline (hollow)\n"
                 "lines: equal, and +/-25 %", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(f"{out}/accuracy-e2e.png", dpi=130)

    ops = [r for r in rows if r["set"] == "public" and r["split"] == "test" and r["family"] != "l2-resident"]
    fams = sorted({r["family"] for r in ops})
    fig, ax = plt.subplots(figsize=(6.5, 6))
    vals = [float(r[k]) for r in ops for k in ("reference", "predicted")]
    diagonal(ax, min(vals) / 1.5, max(vals) * 1.5)
    for i, fam in enumerate(fams):
        sel = [r for r in ops if r["family"] == fam]
        ax.scatter([float(r["reference"]) for r in sel], [float(r["predicted"]) for r in sel], s=4, alpha=0.5,
                   marker=markers[i % len(markers)], label=f"{fam} ({len(sel)})")
    ax.set_xlabel("published op time (s)")
    ax.set_ylabel("predicted op time (s)")
    ax.set_title("Public op corpus, test rows, all GPUs (lines: equal, +/-25 %)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", markerscale=2)
    fig.tight_layout()
    fig.savefig(f"{out}/accuracy-ops.png", dpi=130)


if __name__ == "__main__":
    main()
