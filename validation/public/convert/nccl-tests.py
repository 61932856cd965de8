#!/usr/bin/env python3
"""Published nccl-tests outputs -> data/nccl-tests.csv.

usage: nccl-tests.py MLE_MIRROR   (a git directory of github.com/stas00/ml-engineering)

stas00/ml-engineering at COMMIT, network/README.md, "Real network throughput": the output
of `./build/all_reduce_perf -b 32k -e 16G -f 2 -g 8 -n 50` on one 8-GPU A100 node
(NVLink 3 through NVSwitch, so SXM4 boards; memory size not stated: 80GB default), with
the size (bytes) and time (microseconds) columns as printed. nccl-tests' time is the mean
of its 50 timed iterations after warm-up; the author kept one time column of the
out-of-place / in-place pair (which one is not said). The type is nccl-tests' default,
float (fp32).
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "nccl-tests"
REPO = "stas00/ml-engineering"
COMMIT = "744d01e18b79512572f64a6bbd8b5f4a725203a7"
PATH = "network/README.md"
COMMAND = "$ ./build/all_reduce_perf -b 32k -e 16G -f 2 -g 8 -n 50"


def main():
    if len(sys.argv) != 2:
        c.die(__doc__.strip().splitlines()[2])
    text = c.git_show(sys.argv[1], COMMIT, PATH)
    block = text[text.index(COMMAND):].split("```", 1)[0]
    col = c.Collector(SOURCE)
    gpu = "a100-sxm4-80gb"
    for line in block.splitlines():
        m = re.fullmatch(r"\s*([\d_]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*", line)
        if not m:
            continue
        nbytes = int(m.group(1).replace("_", ""))
        op = c.collective("all_reduce", nbytes // 4, 8, "fp32", "nvlink")
        col.add(c.row(SOURCE, gpu, "collective", "fp32", op, float(m.group(2)) * 1e-6, c.hash_split(c.dump(op) + gpu),
                      "nccl-tests: mean of 50 iterations after warm-up", REPO, COMMIT,
                      PATH + " (Real network throughput)",
                      note=f"8x A100 (NVSwitch node; memory size not stated: 80GB default); {nbytes} bytes; "
                           f"busbw {m.group(4)} GB/s as printed"))
    if len(col.rows) < 10:
        c.die("the nccl-tests block was not found")
    col.write()


if __name__ == "__main__":
    main()
