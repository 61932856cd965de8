#!/usr/bin/env python3
"""Measures framework ops, denoiser blocks, denoiser steps and a VAE decode on this machine's GPU,
at the shapes of `vidperf shapes` files, and writes `vidperf.validation-raw/1` JSON lines
(validation/measurements.hpp reads them back). Needs only torch and the standard library.

  python3 validation/measure/measure.py --out raw.jsonl \
      --ops OPS_SHAPES.json ... --block BLOCK_SHAPES.json ... --step STEP_SHAPES.json ... \
      --vae VAE_SHAPES.json ... [--budget 420]

  python3 validation/measure/measure.py --device cpu --smoke --out /tmp/smoke.jsonl
      (the whole path on tiny shapes from tests/data/validation/, timed with time.perf_counter:
       a check of the script, not a measurement)

Sections, in order, with shares of the budget (time a section leaves over goes to the next):
ops 35 %, blocks 35 %, steps 20 %, vae 10 %. Whatever is cut or fails becomes a "skipped" record
with its reason; the run goes on. Progress goes to standard error.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import torch  # noqa: E402

import models  # noqa: E402
import ops as opmod  # noqa: E402
import vae as vaemod  # noqa: E402
from common import Budget, Skip, ThrottleMonitor, Timer, Writer, first_line, free_memory, log, release  # noqa: E402

SCHEMA = "vidperf.validation-raw/1"
SHARES = {"ops": 0.35, "blocks": 0.35, "steps": 0.20, "vae": 0.10}
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "data", "validation"))
SMOKE_SHAPES = ["shapes-tiny.json", "shapes-tiny-mmdit.json", "shapes-tiny-dual.json"]

# published parameter counts of whole denoisers, to check the blocks built here against
REFERENCE_PARAMETERS = {"wan2.1-t2v-1.3b": 1.419e9}

KERNEL_BACKEND = {"fa2": "flash", "sdpa-efficient": "efficient", "cudnn": "cudnn", "sdpa-math": "math"}


# ---------------------------------------------------------------------------- GPU identity


def gpu_slug(name, memory_bytes):
    """vidperf's GPU slug for a torch device name ("NVIDIA H100 80GB HBM3" -> h100-sxm5-80gb)."""
    n = name.lower()
    gb = memory_bytes / 2**30
    if "h100" in n:
        if "pcie" in n:
            return "h100-pcie-80gb"
        if "nvl" in n:
            return "h100-nvl-94gb"
        return "h100-sxm5-80gb"
    if "h200" in n:
        return None if "nvl" in n else "h200-sxm-141gb"
    if "h800" in n:
        return "h800-sxm5-80gb"
    if "a100" in n:
        size = "80gb" if gb > 50 else "40gb"
        return ("a100-pcie-" if "pcie" in n else "a100-sxm4-") + size
    if "b200" in n:
        return "b200-sxm-180gb"
    if "l40s" in n:
        return "l40s-48gb"
    if "rtx 6000 ada" in n:
        return "rtx6000ada-48gb"
    if "4090" in n:
        return "rtx4090-24gb"
    if n.endswith(" l4") or " l4 " in n:
        return "l4-24gb"
    return None


SMI_FIELDS = [("driver_version", "driver", str), ("clocks.max.sm", "clock_sm_max_mhz", float),
              ("clocks.max.memory", "clock_mem_max_mhz", float), ("power.limit", "power_limit_w", float),
              ("enforced.power.limit", "enforced_power_limit_w", float),
              ("clocks.applications.graphics", "clock_applications_mhz", float),
              ("persistence_mode", "persistence_mode", str), ("temperature.gpu", "temperature_c_at_start", float)]


def smi_query(exe, fields, index=None):
    cmd = [exe] + (["-i", str(index)] if index is not None else []) + \
        ["--query-gpu=" + ",".join(fields), "--format=csv,noheader,nounits"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    if r.returncode != 0:
        return None
    return [[c.strip() for c in line.split(",")] for line in r.stdout.strip().splitlines() if line.strip()]


def nvidia_smi_info(bus, device_index):
    """(fields for the metadata record, nvidia-smi index) of the GPU whose PCI bus number is `bus`
    (None: the device_index-th GPU that CUDA_VISIBLE_DEVICES lets torch see). Fields nvidia-smi
    cannot report are left out."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return {}, None
    rows = smi_query(exe, ["index", "pci.bus_id"])
    if not rows:
        return {}, None
    row = None
    if bus is not None:
        for cand in rows:
            try:
                if int(cand[1].split(":")[-2], 16) == bus:
                    row = cand
            except (ValueError, IndexError):
                pass
    if row is None:
        visible = [v.strip() for v in os.environ.get("CUDA_VISIBLE_DEVICES", "").split(",") if v.strip()]
        idx = device_index
        if visible and idx < len(visible) and visible[idx].isdigit():
            idx = int(visible[idx])
        row = rows[idx] if idx < len(rows) else rows[0]
    index = int(row[0]) if row[0].isdigit() else 0
    info = {"pci_bus_id": row[1]}
    for field, key, conv in SMI_FIELDS:
        got = smi_query(exe, [field], index)
        if not got or not got[0]:
            continue
        try:
            info[key] = conv(got[0][0])
        except ValueError:
            continue
    return info, index


def metadata(args, device, monitor, smi):
    m = {"schema": SCHEMA, "record": "metadata"}
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        m["gpu"] = torch.cuda.get_device_name(device)
        m["gpu_slug"] = gpu_slug(m["gpu"], props.total_memory)
        m["sm_count"] = props.multi_processor_count
        m["memory_bytes"] = props.total_memory
        m["compute_capability"] = "%d.%d" % (props.major, props.minor)
        m.update(smi)
        m["cuda"] = torch.version.cuda
        m["cudnn"] = torch.backends.cudnn.version()
        m["cudnn_benchmark"] = bool(torch.backends.cudnn.benchmark)
    else:
        m["gpu"] = "none (CPU smoke run: a check of the script, not a measurement)"
        m["cpu"] = platform.processor() or platform.machine()
        m["threads"] = torch.get_num_threads()
    m["torch"] = torch.__version__
    m["python"] = platform.python_version()
    m["device"] = device.type
    m["smoke"] = bool(args.smoke)
    m["timer"] = "torch.cuda.Event" if device.type == "cuda" else "time.perf_counter"
    m["throttle_check"] = "nvidia-smi clock-event reasons every 200 ms" if monitor and monitor.available else "none"
    m["budget_s"] = args.budget
    m["command"] = args.command or " ".join([os.path.basename(sys.executable)] + sys.argv)
    m["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    m["host"] = socket.gethostname()
    return m


# ---------------------------------------------------------------------------- helpers


def load_shapes(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("measure.py: cannot read shapes file %s: %s" % (path, e))
    if doc.get("schema") != "vidperf.shapes/1":
        raise SystemExit("%s: not a vidperf.shapes/1 file (schema %r)" % (path, doc.get("schema")))
    doc["_file"] = os.path.basename(path)
    return doc


def shrink(doc):
    """A smoke-test copy of a shapes document: the same models, families and op kinds at tiny sizes
    (a 2 x 8 x 8 latent, width 64, two heads of 32, ops of at most 64 per dimension), so that the
    whole script path runs on a CPU in seconds. Nothing measured from it means anything."""
    d = json.loads(json.dumps(doc))
    den = d["denoiser"]
    wide = den.get("text_hidden", den["hidden"]) == den["hidden"]
    own_te = den.get("time_embed_dim", den["hidden"]) not in (0, den["hidden"])
    den.update({"layers": min(den["layers"], 2), "single_layers": min(den.get("single_layers", 0), 1),
                "hidden": 64, "text_hidden": 64 if wide else 32, "heads": 2, "head_dim": 32,
                "ffn": min(den["ffn"], 128), "text_ffn": min(den.get("text_ffn", den["ffn"]), 128),
                "text_dim": 48, "text_tokens": min(den.get("text_tokens", 8), 8), "image_tokens": 0,
                "time_freq_dim": 32, "time_embed_dim": 16 if own_te else 64})
    pt, ph, pw = den.get("patch", [1, 2, 2])
    lat = d["latent"]
    lat.update({"frames": min(lat["frames"], 2), "height": 8, "width": 8})
    lat["tokens"] = -(-lat["frames"] // pt) * (8 // ph) * (8 // pw)
    d["workload"].update({"width": 64, "height": 64, "frames": 4 * (lat["frames"] - 1) + 1})
    for e in d["ops"]:
        op = e["op"]
        k = op["kind"]
        if k == "gemm":
            op.update({"m": min(op["m"], 64), "n": min(op["n"], 64), "k": min(op["k"], 64),
                       "batch": min(op.get("batch", 1), 2)})
        elif k == "attention":
            op.update({"batch": min(op["batch"], 2), "heads_q": min(op["heads_q"], 2),
                       "heads_kv": min(op.get("heads_kv", op["heads_q"]), 2), "seq_q": min(op["seq_q"], 64),
                       "seq_kv": min(op.get("seq_kv", op["seq_q"]), 64), "head_dim": min(op["head_dim"], 64),
                       "head_dim_v": min(op.get("head_dim_v", op["head_dim"]), 64)})
        elif k == "conv":
            op.update({"batch": 1, "c_in": min(op["c_in"], 8), "c_out": min(op["c_out"], 8), "groups": 1,
                       "input": [min(op["input"][0], 3), min(op["input"][1], 16), min(op["input"][2], 16)]})
        elif k == "pointwise":
            p = op.get("param_elements", 0)
            if p:
                op["param_elements"] = min(p, 128 if op["pointwise"] == "layernorm" else 64)
            op["elements"] = min(op["elements"], 4096)
            op["output_elements"] = min(op.get("output_elements", op["elements"]), 4096)
        e["flops"] = min(e.get("flops", 0), 1e6)
        e["bytes"] = min(e.get("bytes", 0), 1e6)
    return d


def workload_of(doc, attention):
    w = doc["workload"]
    return {"width": w["width"], "height": w["height"], "frames": w["frames"], "batch": w.get("batch", 1),
            "cfg": w.get("cfg", "off"), "dtype": w.get("dtype", "bf16"), "attention": attention}


def op_key(op):
    o = {k: v for k, v in op.items() if k != "kernel"}
    return json.dumps(o, sort_keys=True)


def describe_op(op):
    k = op["kind"]
    if k == "gemm":
        return "gemm %dx%dx%d%s" % (op["m"], op["n"], op["k"], " b%d" % op["batch"] if op.get("batch", 1) > 1 else "")
    if k == "attention":
        return "attention b%d h%d s%d/%d d%d" % (op["batch"], op["heads_q"], op["seq_q"], op.get("seq_kv", 0),
                                                 op["head_dim"])
    if k == "conv":
        return "conv %d->%d %s k%s" % (op["c_in"], op["c_out"], "x".join(map(str, op["input"])),
                                       "x".join(map(str, op["kernel"])))
    return "%s %d" % (op.get("pointwise", k), op.get("elements", 0))


def fmt_time(t):
    return "%.3f ms" % (t * 1e3) if t < 1 else "%.3f s" % t


class Run:
    def __init__(self, args, device, writer, timer, budget):
        self.args = args
        self.device = device
        self.w = writer
        self.timer = timer
        self.budget = budget
        self.cuts = {}
        self.parameters = []
        self.rate = {}  # achieved FLOP/s of blocks, for estimates

    def skipped(self, section, reason, **what):
        rec = {"record": "skipped", "section": section}
        rec.update(what)
        rec["reason"] = reason
        self.w.write(rec)
        if reason.startswith("time budget"):
            self.cuts[section] = self.cuts.get(section, 0) + 1
        log("  skipped: %s" % reason)

    def measure(self, fn, end, cap=None, context=None):
        left = end - time.perf_counter()
        cap_s = min(left, cap) if cap else left
        kw = {}
        if self.args.smoke:
            kw = {"target": 0.1, "max_samples": 5}
        if context is not None:
            with context():
                return self.timer.measure(fn, cap_s, **kw)
        return self.timer.measure(fn, cap_s, **kw)

    # ------------------------------------------------------------------------ ops

    def ops(self, docs):
        end = self.budget.open("ops")
        start = time.perf_counter()
        span = max(1.0, end - start)
        entries, seen = [], set()
        for doc in docs:
            for e in doc["ops"]:
                entries.append((e.get("share", 0.0), doc, e))
        entries.sort(key=lambda x: -x[0])
        items = []
        for share, doc, e in entries:
            key = op_key(e["op"])
            if key in seen:
                continue
            seen.add(key)
            if e["op"]["kind"] == "attention":
                wanted = self.args.attention_backends
                for b in wanted:
                    if b == "math" and not opmod.math_fits(e["op"]):
                        items.append((doc, e, "math-too-large"))
                    else:
                        items.append((doc, e, b))
            else:
                items.append((doc, e, None))
        log("ops: %d distinct ops from %d shapes files, %d measurements, %.0f s" %
            (len(seen), len(docs), len(items), end - start))
        for i, (doc, e, backend) in enumerate(items):
            op = dict(e["op"])
            label = "[ops %d/%d %.0fs] %s %s%s" % (i + 1, len(items), self.budget.elapsed(), doc["model"],
                                                  describe_op(op), " " + backend if backend else "")
            log(label)
            what = {"model": doc["model"], "op": op, "shapes": doc["_file"], "shapes_id": e.get("id")}
            if backend:  # the op as measured: "kernel" names the SDPA backend's vidperf kernel
                name = "math" if backend == "math-too-large" else backend
                what["backend"], op["kernel"] = opmod.ATTENTION_BACKENDS[name][:2]
            if backend == "math-too-large":
                self.skipped("ops", opmod.math_too_large_reason(op), **what)
                continue
            left = end - time.perf_counter()
            est = opmod.estimate_seconds(e, self.device)
            if left < 0.05 or est * 3 > left:
                self.skipped("ops", "time budget: %.2f s left in the ops section, about %.3g s needed" %
                             (max(0.0, left), est * 3), **what)
                continue
            cap = max(1.0, 0.04 * span)
            try:
                rec = self.one_op(doc, e, op, backend, end, cap)
            except Exception as ex:  # noqa: BLE001 - every failure becomes a skipped record
                self.skipped("ops", first_line(ex), **what)
                release(self.device)
                continue
            self.w.write(rec)
            log("  %s %s (%d samples, spread %.1f%%)" % (rec["backend"], fmt_time(rec["time_s"]), rec["samples"],
                                                        100 * rec["spread"]))
            # the op's tensors are freed with it; the caching allocator keeps the blocks for the next op
            # (and gives them back by itself when a larger allocation needs them)

    def one_op(self, doc, e, op, backend, end, cap):
        kind = op["kind"]
        free = free_memory(self.device)
        if kind == "gemm":
            prep = opmod.gemm(op, self.device, free)
        elif kind == "attention":
            prep = opmod.attention(op, self.device, free, backend)
            op["kernel"] = prep.kernel
        elif kind == "conv":
            prep = opmod.conv(op, self.device, free)
        elif kind == "pointwise":
            d = doc["denoiser"]
            hints = [d.get("hidden"), d.get("head_dim"), d.get("heads", 0) * d.get("head_dim", 0)]
            prep = opmod.pointwise(op, self.device, free, hints)
        else:
            raise Skip("op kind " + kind + " is not measured")
        if prep.parts is None:
            r = self.measure(prep.fn, end, cap, prep.context)
        else:  # timed in parts, summed
            r = {"time_s": 0.0, "samples": 10**9, "spread": 0.0, "calls_per_sample": 1}
            for count, builder in prep.parts:
                fn = builder()
                p = self.measure(fn, end, cap / len(prep.parts), prep.context)
                del fn
                release(self.device)
                r["time_s"] += count * p["time_s"]
                r["samples"] = min(r["samples"], p["samples"])
                r["spread"] = max(r["spread"], p["spread"])
                if "throttled" in p:
                    r["throttled"] = bool(r.get("throttled")) or p["throttled"]
        rec = {"record": "op", "model": doc["model"], "op": op, "backend": prep.backend}
        for k in ("time_s", "samples", "spread", "throttled", "throttled_by", "calls_per_sample"):
            if k in r:
                rec[k] = r[k]
        rec.update(prep.extra)
        rec["shapes"] = doc["_file"]
        rec["shapes_id"] = e.get("id")
        rec["share"] = e.get("share")
        return rec

    # ------------------------------------------------------------------------ blocks, steps

    def units(self, section, docs, kinds_of):
        end = self.budget.open(section)
        log("%s: %d shapes files, %.0f s" % (section, len(docs), end - time.perf_counter()))
        dtype = torch.bfloat16
        todo = [(doc, kind) for doc in docs for kind in kinds_of(doc)]
        for i, (doc, kind) in enumerate(todo):
            kernels = list(self.args.block_attention)
            first_time = None
            for j, kernel in enumerate(kernels):
                if j > 0 and (first_time is None or first_time > self.args.extra_attention_below_s):
                    continue
                # a fair share of what is left, but never less than 2 s (one warm-up and one timed call of
                # the largest blocks fit; the Timer stops after one sample when the cap is reached)
                cap = max(2.0, (end - time.perf_counter()) / (len(todo) - i))
                t = self.unit(section, doc, kind, kernel, dtype, end, cap)
                if j == 0:
                    first_time = t

    def unit(self, section, doc, kind, kernel, dtype, end, cap):
        w = doc["workload"]
        label = "[%s %.0fs] %s %s %dx%dx%d %s" % (section, self.budget.elapsed(), doc["model"], kind, w["width"],
                                                  w["height"], w["frames"], kernel)
        log(label)
        what = {"model": doc["model"], "block": kind, "workload": workload_of(doc, kernel), "shapes": doc["_file"]}
        if w.get("dtype", "bf16") != "bf16":
            self.skipped(section, "only bf16 blocks are measured (the shapes file has %s)" % w.get("dtype"), **what)
            return None
        try:
            s = models.Spec(doc)
        except (KeyError, ValueError) as ex:
            self.skipped(section, "shapes file lacks the denoiser: " + first_line(ex), **what)
            return None
        videos = s.videos
        flops = models.estimate_flops(kind, s, videos)
        rate = self.rate.get(kernel) or (4e14 if self.device.type == "cuda" else 2e10)
        est = flops / rate
        left = end - time.perf_counter()
        # building the weights costs about one call more; then a warm-up and at least one timed call
        if left < 0.2 or est * 3 > left:
            self.skipped(section, "time budget: %.1f s left in the %s section, about %.1f s needed (%.3g FLOP)" %
                         (max(0.0, left), section, est * 3, flops), **what)
            return None
        backend = KERNEL_BACKEND.get(kernel)
        if backend is None:
            self.skipped(section, "attention kernel %s is not an SDPA backend" % kernel, **what)
            return None
        try:
            ctx = opmod.backend_context(backend)
            rec = self.run_unit(kind, s, videos, dtype, end, cap, ctx, what)
        except Exception as ex:  # noqa: BLE001
            self.skipped(section, first_line(ex), **what)
            release(self.device)
            return None
        release(self.device)
        self.rate[kernel] = min(self.rate.get(kernel, float("inf")), flops / rec["time_s"])
        self.w.write(rec)
        self.parameters.append((doc["model"], kind, rec["parameters"]))
        log("  %s (%d samples, spread %.1f%%), %.4g parameters%s" %
            (fmt_time(rec["time_s"]), rec["samples"], 100 * rec["spread"], rec["parameters"],
             ", peak %.2f GB allocated" % (rec["max_allocated_bytes"] / 1e9) if "max_allocated_bytes" in rec else ""))
        ref = REFERENCE_PARAMETERS.get(doc["model"]) if kind == "denoiser_step" and not self.args.smoke else None
        if ref:
            log("  parameter check: %d built vs %.4g published (%+.2f%%)" %
                (rec["parameters"], ref, 100 * (rec["parameters"] / ref - 1)))
        return rec["time_s"]

    def run_unit(self, kind, s, videos, dtype, end, cap, ctx, what):
        module, fn, inputs = models.build(kind, s, self.device, dtype, videos)
        return self.finish_unit(module, fn, inputs, end, cap, ctx, what)

    def finish_unit(self, module, fn, inputs, end, cap, ctx, what):
        cuda = self.device.type == "cuda"
        params = models.count_parameters(module)
        if cuda:
            torch.cuda.synchronize(self.device)
            baseline = torch.cuda.memory_allocated(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
        r = self.measure(fn, end, cap, ctx)
        rec = {"record": "block"}
        rec.update({k: what[k] for k in ("model", "block", "workload")})
        for k in ("time_s", "samples", "spread", "throttled", "throttled_by"):
            if k in r:
                rec[k] = r[k]
        rec["first_call_s"] = r["first_call_s"]
        rec["parameters"] = params
        if cuda:
            rec["max_allocated_bytes"] = torch.cuda.max_memory_allocated(self.device)
            rec["max_reserved_bytes"] = torch.cuda.max_memory_reserved(self.device)
            rec["baseline_allocated_bytes"] = baseline
        rec["shapes"] = what["shapes"]
        del module, fn, inputs
        return rec

    # ------------------------------------------------------------------------ vae

    def one_vae(self, doc, end, cap, what):
        """Builds the decoder and its latent, measures, and lets both go on return."""
        spec = vaemod.vae_of(doc, 16 if self.args.smoke else 1)
        lat = doc["latent"]
        kw = {"device": self.device, "dtype": torch.bfloat16}
        dec = vaemod.Decoder(spec, **kw).eval()
        z = torch.randn(doc["workload"].get("batch", 1), spec["latent_channels"], lat["frames"], lat["height"],
                        lat["width"], **kw)
        # vidperf lowers the VAE's per-frame attention as memory-efficient SDPA; math only where the
        # efficient kernel cannot run the head dimension
        ctx = opmod.backend_context("efficient", "math") if self.device.type == "cuda" else contextlib.nullcontext
        rec = self.finish_unit(dec, lambda: dec(z), (z,), end, cap, ctx, what)
        rec["vae"] = {k: spec[k] for k in ("name", "family", "temporal_chunk") if k in spec}
        rec["vae"]["decoder_parameters_vidperf"] = spec["decoder"].get("parameters")
        return rec

    def vae(self, docs):
        end = self.budget.open("vae")
        log("vae: %d shapes files, %.0f s" % (len(docs), end - time.perf_counter()))
        per_voxel = None  # seconds per latent voxel of the last decode, for estimates
        for i, doc in enumerate(docs):
            w = doc["workload"]
            log("[vae %.0fs] %s vae_decode %dx%dx%d" % (self.budget.elapsed(), doc["model"], w["width"], w["height"],
                                                       w["frames"]))
            what = {"model": doc["model"], "block": "vae_decode", "workload": workload_of(doc, "sdpa-efficient"),
                    "shapes": doc["_file"]}
            lat = doc["latent"]
            voxels = lat["frames"] * lat["height"] * lat["width"] * doc["workload"].get("batch", 1)
            left = end - time.perf_counter()
            need = 3 * voxels * per_voxel if per_voxel else 1.0
            if left < 1.0 or need > left:
                self.skipped("vae", "time budget: %.1f s left in the vae section, about %.1f s needed" %
                             (max(0.0, left), need), **what)
                continue
            cap = max(2.0, left / (len(docs) - i))
            try:
                rec = self.one_vae(doc, end, cap, what)
            except Exception as ex:  # noqa: BLE001
                self.skipped("vae", first_line(ex), **what)
                release(self.device)
                continue
            release(self.device)
            per_voxel = rec["time_s"] / voxels
            self.w.write(rec)
            self.parameters.append((doc["model"], "vae_decode", rec["parameters"]))
            log("  %s (%d samples, spread %.1f%%), %.4g parameters" %
                (fmt_time(rec["time_s"]), rec["samples"], 100 * rec["spread"], rec["parameters"]))


def warm_up(device, seconds=3.0):
    """Large GEMMs for a few seconds, so that the first measurements find the GPU at its working clocks."""
    a = torch.randn(8192, 8192, device=device, dtype=torch.bfloat16)
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(10):
            a @ a
        torch.cuda.synchronize(device)
    log("warmed up the GPU for %.1f s" % (time.perf_counter() - t0))


def count_parameters(block_docs, step_docs, vae_docs, smoke):
    """Parameter counts of every unit, built on the meta device (no memory is allocated)."""
    meta = torch.device("meta")
    units = [(d, k) for d in block_docs for k in block_kinds(d)] + [(d, "denoiser_step") for d in step_docs]
    units += [(d, "vae_decode") for d in vae_docs]
    for doc, kind in units:
        w = doc["workload"]
        if kind == "vae_decode":
            m = vaemod.Decoder(vaemod.vae_of(doc, 16 if smoke else 1), device=meta, dtype=torch.bfloat16)
        else:
            m = models.build(kind, models.Spec(doc), meta, torch.bfloat16)[0]
        n = models.count_parameters(m)
        line = "%-18s %-22s %5dx%-4dx%-4d %14d  (%.4g)" % (doc["model"], kind, w["width"], w["height"], w["frames"],
                                                         n, n)
        ref = REFERENCE_PARAMETERS.get(doc["model"]) if kind == "denoiser_step" and not smoke else None
        if ref:
            line += "  published %.4g: %+.3f%%" % (ref, 100 * (n / ref - 1))
        if kind == "vae_decode" and not smoke:
            ref = doc["vae"]["decoder"]["parameters"]
            line += "  vidperf's decoder %.0f: %+.3f%%" % (ref, 100 * (n / ref - 1))
        print(line)
    return 0


def block_kinds(doc):
    fam = doc["denoiser"]["family"]
    kinds = ["denoiser_block"]
    if fam == "mmdit-dual-single" and doc["denoiser"].get("single_layers", 0) > 0:
        kinds.append("denoiser_single_block")
    return kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="JSON lines output (vidperf.validation-raw/1); required unless --count-parameters")
    ap.add_argument("--ops", nargs="+", default=[], action="extend", metavar="SHAPES",
                    help="shapes files whose ops are measured one by one")
    ap.add_argument("--block", nargs="+", default=[], action="extend", metavar="SHAPES",
                    help="shapes files whose denoiser blocks are measured")
    ap.add_argument("--step", nargs="+", default=[], action="extend", metavar="SHAPES",
                    help="shapes files whose whole denoiser call (one step) is measured")
    ap.add_argument("--vae", nargs="+", default=[], action="extend", metavar="SHAPES",
                    help="shapes files whose VAE decode is measured")
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds for all measurements (default 420; 120 with --smoke)")
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    ap.add_argument("--smoke", action="store_true",
                    help="tiny shapes from tests/data/validation/ when none are given, few samples; checks the "
                         "script path (with --device cpu: in seconds)")
    ap.add_argument("--attention-backends", default="flash,efficient,cudnn,math",
                    help="SDPA backends for attention ops (flash, efficient, cudnn, math)")
    ap.add_argument("--block-attention", default="fa2",
                    help="attention kernels for blocks and steps, comma-separated (fa2, cudnn, sdpa-efficient, "
                         "sdpa-math); kernels after the first only where the first took under "
                         "--extra-attention-below-s")
    ap.add_argument("--extra-attention-below-s", type=float, default=0.5)
    ap.add_argument("--summary", help="also write the run's summary (counts, cuts, parameters) as JSON here")
    ap.add_argument("--command", help="the command line to record in the metadata (run.sh passes its own)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count-parameters", action="store_true",
                    help="only build the blocks, steps and VAE decoders of the given shapes files on the meta "
                         "device (no memory, no GPU) and print their parameter counts")
    args = ap.parse_args()
    if not args.out and not args.count_parameters:
        ap.error("--out is required")
    args.attention_backends = [b.strip() for b in args.attention_backends.split(",") if b.strip()]
    for b in args.attention_backends:
        if b not in opmod.ATTENTION_BACKENDS:
            ap.error("unknown attention backend " + b)
    args.block_attention = [k.strip() for k in args.block_attention.split(",") if k.strip()]
    if args.budget is None:
        args.budget = 120.0 if args.smoke else 420.0

    if args.smoke and not (args.ops or args.block or args.step or args.vae):
        tiny = [os.path.join(FIXTURES, f) for f in SMOKE_SHAPES]
        args.ops, args.block = list(tiny), list(tiny)
        args.step = [tiny[0], tiny[1]]
        args.vae = [tiny[0]]
    cache = {}

    def docs(paths):
        out = []
        for p in paths:
            if p not in cache:
                cache[p] = shrink(load_shapes(p)) if args.smoke else load_shapes(p)
            out.append(cache[p])
        return out

    ops_docs, block_docs, step_docs, vae_docs = docs(args.ops), docs(args.block), docs(args.step), docs(args.vae)
    if args.count_parameters:
        return count_parameters(block_docs, step_docs, vae_docs, args.smoke)
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        log("measure.py: CUDA is not available to torch %s (use --device cpu --smoke to check the script)" %
            torch.__version__)
        return 2
    if device.type == "cuda":
        torch.cuda.set_device(device)
    torch.manual_seed(args.seed)

    smi = {}
    monitor = None
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        smi, smi_index = nvidia_smi_info(getattr(props, "pci_bus_id", None), device.index or 0)
        monitor = ThrottleMonitor(smi_index) if smi_index is not None else None
    writer = Writer(args.out)
    writer.write(metadata(args, device, monitor, smi))
    timer = Timer(device, monitor)
    budget = Budget(args.budget, SHARES)
    run = Run(args, device, writer, timer, budget)
    log("measure.py: %s, torch %s, budget %.0f s%s" % (
        torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU", torch.__version__, args.budget,
        " (smoke)" if args.smoke else ""))
    try:
        with torch.inference_mode():
            if device.type == "cuda":
                warm_up(device)
            run.ops(ops_docs)
            run.units("blocks", block_docs, block_kinds)
            run.units("steps", step_docs, lambda d: ["denoiser_step"])
            run.vae(vae_docs)
    finally:
        if monitor is not None:
            monitor.stop()
        writer.close()

    summary = {"out": os.path.abspath(args.out), "elapsed_s": round(budget.elapsed(), 1), "budget_s": args.budget,
               "records": writer.counts, "cut_by_budget": run.cuts,
               "skipped_reasons": {},
               "parameters": [{"model": m, "block": k, "parameters": p} for m, k, p in run.parameters]}
    for r in writer.skipped:
        key = r["section"] + ": " + r["reason"].split(":")[0]
        summary["skipped_reasons"][key] = summary["skipped_reasons"].get(key, 0) + 1
    log("measure.py: done in %.0f s: %s" % (budget.elapsed(), ", ".join(
        "%d %s" % (n, k) for k, n in writer.counts.items())))
    for section, n in run.cuts.items():
        log("  cut by the time budget: %d %s item(s)" % (n, section))
    for k, n in summary["skipped_reasons"].items():
        log("  skipped: %d x %s" % (n, k))
    for m, k, p in run.parameters:
        log("  parameters: %s %s %d" % (m, k, p))
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
