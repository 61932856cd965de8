#!/usr/bin/env python3
"""Checks data/*.csv against the corpus schema and prints the row counts.

usage: check.py [--counts]

Fails (exit 1) on: a wrong header, a duplicate id, an id not <source>-<n>, a source
column that differs from the file name, a GPU slug, family, dtype or split outside the
schema, a non-positive or non-numeric time, an op that is not valid op JSON (the rules
of include/vidperf/io/op_json.hpp that can be checked without the library), a family
that does not fit the op kind, a row over the physics limits of _common.physics(), or a
source of 6 rows or more without both a fit and a test part. With --counts, prints
rows per source x GPU x family x dtype (fit/test).
"""

import csv
import glob
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

KIND_FAMILIES = {
    "gemm": {"gemm"}, "attention": {"attention"}, "conv": {"conv"}, "copy": {"copy"}, "collective": {"collective"},
    "pointwise": {"layernorm", "rmsnorm", "softmax", "elementwise", "reduction", "launch", "l2-resident"},
}
OP_DTYPES = {"fp32", "tf32", "bf16", "fp16", "fp8", "fp8_e4m3", "fp8_e5m2", "int8"}


def ext(v, lo):
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


def check_op(o):
    k = o.get("kind")
    if k == "gemm":
        ok = all(ext(o.get(f), 1) for f in ("m", "n", "k", "batch")) and all(o.get(f) in OP_DTYPES for f in "abc")
        return ok and isinstance(o.get("shared_b"), bool)
    if k == "attention":
        ok = all(ext(o.get(f), 1) for f in ("batch", "heads_q", "heads_kv", "seq_q", "seq_kv", "head_dim",
                                             "head_dim_v"))
        return (ok and o["heads_q"] % o["heads_kv"] == 0 and isinstance(o.get("causal"), bool)
                and o.get("dtype") in OP_DTYPES and o.get("direction") in ("forward", "backward")
                and o.get("kernel") in ("fa2", "fa3", "cudnn", "sdpa-math", "sdpa-efficient", "sage"))
    if k == "conv":
        t = ("input", "kernel", "stride", "pad_before", "pad_after", "dilation")
        if not all(isinstance(o.get(f), list) and len(o[f]) == 3 for f in t):
            return False
        lows = {"pad_before": 0, "pad_after": 0}
        if not all(ext(v, lows.get(f, 1)) for f in t for v in o[f]):
            return False
        if not all(ext(o.get(f), 1) for f in ("batch", "c_in", "c_out", "groups")):
            return False
        if o["c_in"] % o["groups"] or o["c_out"] % o["groups"] or o.get("dtype") not in OP_DTYPES:
            return False
        return all(o["input"][i] + o["pad_before"][i] + o["pad_after"][i] >= o["dilation"][i] * (o["kernel"][i] - 1) + 1
                   for i in range(3))
    if k == "pointwise":
        return (o.get("pointwise") in ("elementwise", "layernorm", "rmsnorm", "softmax", "reduction")
                and ext(o.get("elements"), 1) and ext(o.get("inputs"), 1) and ext(o.get("outputs"), 0)
                and ext(o.get("output_elements"), 0) and ext(o.get("param_elements"), 0)
                and isinstance(o.get("flops_per_element"), (int, float)) and o["flops_per_element"] >= 0
                and o.get("dtype") in OP_DTYPES)
    if k == "copy":
        return o.get("copy") in ("h2d", "d2h", "d2d", "peer") and ext(o.get("bytes"), 1) and isinstance(
            o.get("pinned"), bool)
    if k == "collective":
        return (o.get("collective") in ("all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv")
                and ext(o.get("elements"), 1) and ext(o.get("ranks"), 2) and o.get("dtype") in OP_DTYPES
                and o.get("link") in ("nvlink", "pcie"))
    return False


def main():
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    errors, counts, ids = [], {}, set()
    for path in sorted(glob.glob(os.path.join(data, "*.csv"))):
        source = os.path.basename(path)[:-4]
        splits = {"fit": 0, "test": 0}
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != c.HEADER:
                errors.append(f"{path}: header {reader.fieldnames}")
                continue
            for line, r in enumerate(reader, 2):
                where = f"{os.path.basename(path)}:{line}"
                bad = []
                if r["id"] in ids or not re.fullmatch(re.escape(source) + r"-\d+", r["id"]):
                    bad.append(f"id {r['id']}")
                ids.add(r["id"])
                if r["source"] != source:
                    bad.append("source column")
                if r["gpu"] not in c.GPUS:
                    bad.append(f"gpu {r['gpu']}")
                if r["family"] not in c.FAMILIES or r["dtype"] not in c.DTYPES or r["split"] not in splits:
                    bad.append("family/dtype/split")
                try:
                    t = float(r["time_s"])
                    peer = float(r["peer_prediction_s"]) if r["peer_prediction_s"] else None
                    if not t > 0 or (peer is not None and not peer > 0) or (peer is not None) != bool(r["peer"]):
                        bad.append("time / peer")
                except ValueError:
                    bad.append("time not a number")
                    t = None
                try:
                    op = json.loads(r["op"])
                    ops = op if isinstance(op, list) else [op]
                    if not ops or not all(isinstance(o, dict) and check_op(o) for o in ops):
                        bad.append(f"op {r['op']}")
                    elif not all(r["family"] in KIND_FAMILIES[o["kind"]] for o in ops):
                        bad.append("family does not fit the op kind")
                    elif t and r["gpu"] in c.GPUS and c.physics(r["gpu"], r["dtype"], op, t):
                        bad.append(c.physics(r["gpu"], r["dtype"], op, t))
                except ValueError:
                    bad.append("op is not JSON")
                if not (r["repository"] and r["commit"] and r["path"] and r["timing"]):
                    bad.append("provenance")
                if bad:
                    errors.append(f"{where}: {'; '.join(bad)}")
                if r["split"] in splits:
                    splits[r["split"]] += 1
                key = (source, r["gpu"], r["family"], r["dtype"])
                counts.setdefault(key, {"fit": 0, "test": 0})[r["split"]] += 1
        if sum(splits.values()) >= 6 and min(splits.values()) == 0:
            errors.append(f"{source}: {sum(splits.values())} rows but not both fit and test")
    if "--counts" in sys.argv:
        print(f"{'source':<16}{'gpu':<16}{'family':<12}{'dtype':<6}{'fit':>6}{'test':>6}")
        for (s, g, fam, d), v in sorted(counts.items()):
            print(f"{s:<16}{g:<16}{fam:<12}{d:<6}{v['fit']:>6}{v['test']:>6}")
    total = sum(v["fit"] + v["test"] for v in counts.values())
    print(f"checked {total} rows in {len({k[0] for k in counts})} sources: {len(errors)} problems")
    for e in errors[:50]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
