#!/usr/bin/env python3
"""gpu-benches L2-cache read bandwidth against data-set size -> data/gpu-benches-l2.csv.

usage: gpu-benches-l2.py MIRROR   (a git directory of github.com/te42kyfo/gpu-benches)

gpu-l2-cache/<gpu>.txt (gpu-l2-cache/main.cu): one kernel of 200,000 blocks of 1024
threads; each block reads 512 kB (64 doubles per thread) out of a data set of
`blockRun` x 512 kB, so the data set is read over and over within the one call and stays
in L2 while it fits. Printed: data set (kB), the minimum wall-clock time of 11 calls and
the effective bandwidth = 200,000 x 512 kB / time.

The op schema has no working-set field, so each row is one read PASS over the data set at
that measured bandwidth: op = a reduction over the data set, time_s = data-set bytes /
bandwidth. This is derived (one call of the kernel is ~1e5 x longer), which is why these
rows are a source of their own, with the family `l2-resident`: they describe the bandwidth
of a warm, cache-resident read of that many bytes, not a cold kernel (vidperf prices
pointwise kernels on fresh data at the HBM rate, so these rows are reported, never fitted
to or bounded). Doubles are written as twice as many fp32
elements (same bytes). GPUs: a100_80 (board not stated: SXM4 default), h100_pcie,
h200 (board not stated: SXM default); l40, mi100, mi210, rx6900xt are not in the catalog.
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "gpu-benches-l2"
REPO = "te42kyfo/gpu-benches"
COMMIT = "1c36d509ee717dca9215c27135fa1e611bb03ed1"
GPUS = {"a100_80": ("a100-sxm4-80gb", "A100 80GB, board not stated (SXM4 default)"),
        "h100_pcie": ("h100-pcie-80gb", "H100 PCIe"),
        "h200": ("h200-sxm-141gb", "H200, board not stated (SXM default)")}
LINE = re.compile(r"\s*(\d+) kB\s+(\d+) kB\s+(\d+)ms\s+([\d.]+)%\s+([\d.]+) GB/s")


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    col = c.Collector(SOURCE)
    for name, (gpu, gpu_note) in GPUS.items():
        path = f"gpu-l2-cache/{name}.txt"
        for line in c.git_show(sys.argv[1], COMMIT, path).splitlines():
            m = LINE.match(line)
            if not m:
                continue
            kb, bw = int(m.group(2)), float(m.group(5))
            nbytes = kb * 1024
            op = c.pointwise("reduction", nbytes // 4, 1, 1, "fp32", output_elements=1)
            col.add(c.row(SOURCE, gpu, "l2-resident", "fp32", op, nbytes / (bw * 1e9), c.hash_split(c.dump(op) + gpu),
                          "wall clock of one call re-reading the data set 200,000 x 512 kB, minimum of 11 "
                          "(gpu-l2-cache/main.cu)", REPO, COMMIT, path,
                          note=f"{gpu_note}; per-pass time derived from {bw:.1f} GB/s over a {kb} kB data set; "
                               "time = data-set bytes / rate"))
    col.write()


if __name__ == "__main__":
    main()
