#!/usr/bin/env python3
"""Host-to-device copy bandwidth against buffer size from an nvbandwidth issue -> data/nvbandwidth.csv.

usage: nvbandwidth.py   (numbers transcribed from the issue; no input)

NVIDIA/nvbandwidth issue #42 (2025-07-05): `./nvbandwidth -t host_to_device_memcpy_sm -b
<MiB>` (nvbandwidth v0.8, driver 560.35.05) on an NVIDIA A100-SXM4-40GB prints 25.13 /
25.13 / 18.05 / 16.50 GB/s for 512 MiB / 1 GiB / 10 GiB / 20 GiB buffers. The test copies
from pinned host memory with a copy kernel on the GPU's SMs (not the copy engine);
time = bytes / rate with nvbandwidth's decimal GB/s.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

SOURCE = "nvbandwidth"
GPU = "a100-sxm4-40gb"
ROWS = [(512, 25.13), (1024, 25.13), (10 * 1024, 18.05), (20 * 1024, 16.50)]  # (MiB, GB/s)


def main():
    if len(sys.argv) != 1:
        c.die("nvbandwidth.py takes no arguments")
    col = c.Collector(SOURCE)
    for mib, rate in ROWS:
        nbytes = mib * 2**20
        op = c.copy("h2d", nbytes, pinned=True)
        col.add(c.row(SOURCE, GPU, "copy", "fp32", op, nbytes / (rate * 1e9), c.hash_split(c.dump(op) + GPU),
                      "nvbandwidth v0.8 defaults", "NVIDIA/nvbandwidth", "issue #42", "issue description",
                      note=f"host_to_device_memcpy_sm (SM copy kernel), {mib} MiB buffer, {rate} GB/s; "
                           "dtype column not meaningful for a copy"))
    col.write()


if __name__ == "__main__":
    main()
