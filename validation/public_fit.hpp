#pragma once
// Fits the literature profiles' constants to the `fit` rows of the public op
// corpus, GPU by GPU, with the engine itself as the model
// (calibration/fit_ops.hpp). The plan per GPU, in order (later fits see the
// earlier results):
//   GEMM      per compute class with rows: its efficiency; for the first
//             tensor-core class with rows (BF16, FP16, TF32, FP8) also the
//             per-call overhead and the k ramp; for SIMT FP32 its own k ramp
//             where the rows' k spans a factor of 8
//   launch    empty-kernel rows: the launch overhead
//   pointwise per kind with rows: its achieved-bandwidth efficiency, from
//             framework kernels (custom_kernel_sources left out) of at least
//             pointwise_fit_min_bytes: below that the sources' timing methods
//             (CUDA events around one eager call: host dispatch included;
//             profiler kernel time: not) differ by more than the bandwidth term.
//             Rows of harness_timed sources enter at any size, with each
//             harness's dispatch fitted as an offset of the step (fit_ops.hpp);
//             for norms and softmax the L1 spill half-point too, where the
//             rows' lengths span a factor of 4 (a fit rejected with it is
//             rerun without it)
//   attention per kernel with rows: efficiency, seq_half, head_dim_half
//             when two head dimensions are present, causal_ratio when causal
//             and full calls are; backward_ratio from forward + backward rows
//   copies    d2d: hbm_efficiency; pinned h2d: pcie_efficiency
//   collectives: latency and ring efficiency (NVLink)
// A fit is rejected (and the constant keeps its value) when an efficiency
// lands on the edge of (0, 1): the data then disagree with the model, e.g.
// inputs still in L2 make a kernel look faster than HBM allows.
// The test rows never enter a fit. The accepted constants are written as a
// C++ table (include/vidperf/roofline/literature_fit.hpp) that the literature
// profiles apply; the ctest validation.public_fit refits and compares.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include <vidperf/calibration/fit_ops.hpp>
#include <vidperf/io/calibration_json.hpp>

#include "public_corpus.hpp"

namespace vidperf::validation {

/// The prefix every corpus-fitted constant's provenance source starts with.
inline constexpr std::string_view public_fit_tag = "fit to validation/public";

/// Calibration keys of the row-kernel structure constants (calibration.hpp, for_each_constant_of).
[[nodiscard]] inline std::string spill_key_of(pointwise_kind k) {
    return "pointwise_" + std::string(name(k)) + "_spill_bytes";
}
inline constexpr std::string_view single_stride_key = "softmax_single_stride_ratio";

/// Smallest pointwise kernel (bytes moved) the efficiency fits use (see the file comment).
inline constexpr double pointwise_fit_min_bytes = 64e6;

struct public_fit_step {
    std::string what;      ///< e.g. "gemm bf16"
    std::string source;    ///< the provenance text of its constants
    std::string rejected;  ///< why the fit was not applied (empty = applied)
    ops_fit fit;
    std::vector<std::pair<std::string, double>> harness; ///< (harness_of, offset s) of the harness-timed rows
};

/// An accepted constant: (gpu, key) -> (value, std error, source).
struct fitted_entry {
    std::string gpu, key, source;
    double value = 0, std_error = 0;
};

struct public_fit_gpu {
    std::string gpu;
    std::size_t rows = 0;
    calibration cal;
    std::vector<public_fit_step> steps;
    /// Constants set outside the steps: row-kernel structure constants this GPU's rows could not fit, taken from
    /// a GPU with the same SM (carry_from_siblings; set in `cal` before the steps, which hold them fixed), and
    /// spill half-points of 0 where the rows determine none (record_no_spill).
    std::vector<fitted_entry> carried;
    std::shared_ptr<detail::string_store> carried_strings = std::make_shared<detail::string_store>();
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};

[[nodiscard]] inline double row_bytes(const corpus_row& r) {
    double b = 0;
    for (const auto& o : r.ops) b += cost(o).bytes().value();
    return b;
}

/// Runs the plan on one GPU's fit rows, starting from `base`.
/// Constants in `held` keep their values in `base` (the steps leave them out).
inline public_fit_gpu fit_gpu(const std::vector<const corpus_row*>& rows, const gpu_spec& gpu, const calibration& base,
                              const std::set<std::string, std::less<>>& held = {}) {
    public_fit_gpu out;
    out.gpu = std::string(gpu.slug);
    out.rows = rows.size();
    out.cal = base;
    auto run = [&](const std::string& what, const std::vector<const corpus_row*>& pts,
                   std::vector<std::string_view> keys) {
        std::erase_if(keys, [&](std::string_view k) { return held.contains(k); });
        if (keys.empty() || pts.size() < keys.size() + 4) return;
        std::vector<timed_ops> tp;
        std::set<std::string> sources;
        std::map<std::string, int> harness; // one offset group per harness (source and timing method)
        for (const auto* r : pts) {
            int group = -1;
            if (harness_timed(*r))
                group = harness.emplace(harness_of(*r), static_cast<int>(harness.size())).first->second;
            tp.push_back({r->ops, r->measured_s, group});
            sources.insert(r->source);
        }
        std::string list;
        for (const auto& s : sources) list += (list.empty() ? "" : ", ") + s;
        public_fit_step step;
        step.what = what;
        step.source = fmt::format("{} (vidperf_validate --fit-public): {}, {} rows of {}", public_fit_tag, what,
                                  pts.size(), list);
        const provenance from{provenance_kind::literature, detail::keep(*out.strings, step.source)};
        step.fit = fit_constants(tp, gpu, out.cal, keys, from);
        for (const auto& [src, g] : harness)
            step.harness.emplace_back(src, step.fit.harness_s.at(static_cast<std::size_t>(g)));
        for (const auto& c : step.fit.constants)
            if (detail::bounded_by_one(c.key) && (c.value >= 0.995 || c.value <= 0.005))
                step.rejected = fmt::format("{} = {:.4f} lands on the edge of (0, 1)", c.key, c.value);
        if (step.rejected.empty()) out.cal = step.fit.cal;
        out.steps.push_back(std::move(step));
    };

    // GEMM, per compute class
    std::map<compute_class, std::vector<const corpus_row*>> gemm;
    for (const auto* r : rows)
        if (r->family == "gemm")
            if (const auto* g = std::get_if<gemm_op>(&r->ops.front())) gemm[*compute_class_of(g->a)].push_back(r);
    static constexpr std::array<std::string_view, compute_class_count> gemm_keys{
        "gemm_efficiency_fp32", "gemm_efficiency_tf32", "gemm_efficiency_bf16", "gemm_efficiency_fp16",
        "gemm_efficiency_fp8",  "gemm_efficiency_int8", "gemm_efficiency_int4"};
    std::optional<compute_class> main_class;
    for (const auto cc : {compute_class::bf16, compute_class::fp16, compute_class::tf32, compute_class::fp8})
        if (const auto it = gemm.find(cc); !main_class && it != gemm.end() && it->second.size() >= 8) main_class = cc;
    if (main_class)
        run("gemm " + std::string(name(*main_class)), gemm[*main_class],
            {gemm_keys[static_cast<std::size_t>(*main_class)], "gemm_overhead_s", "gemm_ramp_dim"});
    for (const auto& [cc, v] : gemm) {
        if (cc == main_class) continue;
        std::vector<std::string_view> keys{gemm_keys[static_cast<std::size_t>(cc)]};
        if (cc == compute_class::fp32) { // SIMT FP32 has its own k ramp where the rows' k spans a factor of 8
            std::int64_t k_lo = 0, k_hi = 0;
            for (const auto* r : v) {
                const std::int64_t k = std::get<gemm_op>(r->ops.front()).k;
                k_lo = k_lo == 0 ? k : std::min(k_lo, k);
                k_hi = std::max(k_hi, k);
            }
            if (k_lo > 0 && k_hi >= 8 * k_lo) keys.emplace_back("gemm_ramp_dim_fp32");
        }
        run("gemm " + std::string(name(cc)), v, keys);
    }

    {
        std::vector<const corpus_row*> v;
        for (const auto* r : rows)
            if (r->family == "launch") v.push_back(r);
        run("launch", v, {"launch_overhead_s"});
    }
    static constexpr std::array<std::string_view, pointwise_kind_count> pw_keys{
        "pointwise_elementwise_efficiency", "pointwise_layernorm_efficiency", "pointwise_rmsnorm_efficiency",
        "pointwise_softmax_efficiency", "pointwise_reduction_efficiency"};
    for (std::size_t k = 0; k < pointwise_kind_count; ++k) {
        const auto kind = static_cast<pointwise_kind>(k);
        std::vector<const corpus_row*> v;
        double shortest = 0, longest = 0; // row bytes
        std::size_t single = 0, other = 0; // softmax rows with fewer than two vectorised strides, and the rest
        for (const auto* r : rows) {
            // harness-timed rows enter whatever their size: the fit prices their host dispatch
            if (r->family != name(kind) || custom_kernels(*r) ||
                (!harness_timed(*r) && row_bytes(*r) < pointwise_fit_min_bytes))
                continue;
            v.push_back(r);
            if (const auto* p = std::get_if<pointwise_op>(&r->ops.front()); p && p->row_length > 0) {
                const double b = static_cast<double>(p->row_length) * size_bytes(p->type);
                shortest = shortest > 0 ? std::min(shortest, b) : b;
                longest = std::max(longest, b);
                ++(pytorch_softmax_single_stride(p->row_length, size_bytes(p->type)) ? single : other);
            }
        }
        // the spill half-point too where the rows' sizes span a factor of 4 or more; the search starts from
        // 16 KiB (rows of a few blocks per SM in an L1 of 128-256 KiB) and a rejected fit keeps the old value
        std::vector<std::string_view> keys{pw_keys[k]};
        const std::string spill_key = spill_key_of(kind);
        auto& half = out.cal.pointwise_spill_bytes[k];
        const auto kept = half;
        const bool spill =
            pointwise_extra_reads(kind) > 0 && shortest > 0 && longest >= 4 * shortest && !held.contains(spill_key);
        if (spill) {
            keys.push_back(spill_key);
            if (!(half.value > 0)) half.value = 16384.0;
        }
        // softmax: the single-stride ratio where at least 4 rows of each kind of row are present
        const auto kept_ratio = out.cal.softmax_single_stride_ratio;
        const std::string_view ratio_key = single_stride_key;
        const bool ratio = kind == pointwise_kind::softmax && single >= 4 && other >= 4 && !held.contains(ratio_key);
        if (ratio) {
            keys.push_back(ratio_key);
            if (!(kept_ratio.value > 0)) out.cal.softmax_single_stride_ratio.value = 1.0;
        }
        // a fit rejected with the spill term (an efficiency on the edge, or a half-point the rows do not determine)
        // is rerun without it, then with the efficiency alone
        std::vector<std::vector<std::string_view>> plans{keys};
        if (spill) plans.push_back({keys.front()});
        if (spill && ratio) plans.back().push_back(ratio_key);
        if (ratio) plans.push_back({keys.front()});
        for (const auto& plan : plans) {
            const bool has_spill = std::ranges::find(plan, std::string_view(spill_key)) != plan.end();
            const bool has_ratio = std::ranges::find(plan, ratio_key) != plan.end();
            const std::string dropped =
                spill && !has_spill ? (ratio && !has_ratio ? " without spill or single-stride ratio" : " without spill")
                : ratio && !has_ratio ? " without single-stride ratio"
                                      : "";
            const std::size_t steps = out.steps.size();
            const calibration before = out.cal;
            run(std::string(name(kind)) + dropped, v, plan);
            if (out.steps.size() > steps && out.steps.back().rejected.empty())
                for (const auto& c : out.steps.back().fit.constants)
                    if (c.key == spill_key && c.std_error > 0.5 * c.value) { // a half-point past the rows' lengths
                        out.steps.back().rejected =
                            fmt::format("{} = {:.4g} +- {:.2g} is not determined by the rows (standard error over "
                                        "half the value)",
                                        c.key, c.value, c.std_error);
                        out.cal = before;
                    }
            if (out.steps.size() > steps && out.steps.back().rejected.empty()) break; // accepted
            out.cal.pointwise_spill_bytes[k] = kept;                                  // as before the step
            out.cal.softmax_single_stride_ratio = kept_ratio;
            if (out.steps.size() == steps) break; // too few rows: nothing to retry
        }
    }

    for (const auto k : all_attention_kernels) {
        std::vector<const corpus_row*> fwd, bwd;
        std::set<extent> dims;
        bool causal = false, full = false;
        for (const auto* r : rows) {
            if (r->family != "attention") continue;
            const auto* a = std::get_if<attention_op>(&r->ops.front());
            if (a == nullptr || a->kernel != k) continue;
            bool backward = false;
            for (const auto& o : r->ops)
                if (const auto* x = std::get_if<attention_op>(&o); x && x->direction == pass::backward) backward = true;
            (backward ? bwd : fwd).push_back(r);
            if (!backward) {
                dims.insert(a->head_dim);
                (a->causal ? causal : full) = true;
            }
        }
        std::string prefix = "attention_" + std::string(name(k));
        for (auto& ch : prefix)
            if (ch == '-') ch = '_';
        const std::string eff = prefix + "_efficiency", half = prefix + "_seq_half", hd = prefix + "_head_dim_half",
                          br = prefix + "_backward_ratio", cr = prefix + "_causal_ratio";
        std::vector<std::string_view> keys{eff, half};
        if (dims.size() >= 2) keys.push_back(hd);
        if (causal && full) keys.push_back(cr);
        run("attention " + std::string(name(k)) + " forward", fwd, keys);
        run("attention " + std::string(name(k)) + " forward+backward", bwd, {br});
    }

    std::vector<const corpus_row*> d2d, h2d, coll;
    for (const auto* r : rows) {
        if (r->family == "copy")
            if (const auto* c = std::get_if<copy_op>(&r->ops.front())) {
                if (c->kind == copy_kind::device_local) d2d.push_back(r);
                if (c->kind == copy_kind::host_to_device && c->pinned) h2d.push_back(r);
            }
        if (r->family == "collective")
            if (const auto* c = std::get_if<collective_op>(&r->ops.front());
                c && c->link == link_kind::nvlink && c->kind != collective_kind::all_to_all)
                coll.push_back(r);
    }
    run("copy d2d", d2d, {"hbm_efficiency"});
    run("copy h2d pinned", h2d, {"pcie_efficiency"});
    run("collectives nvlink", coll, {"collective_latency_s", "collective_efficiency"});
    return out;
}

/// The accepted constant `key` of a fit, if any: (value, std error, source).
[[nodiscard]] inline std::optional<fitted_entry> accepted_constant(const public_fit_gpu& f, std::string_view key) {
    for (const auto& s : f.steps)
        if (s.rejected.empty())
            for (const auto& c : s.fit.constants)
                if (c.key == key) return fitted_entry{f.gpu, c.key, s.source, c.value, c.std_error};
    for (const auto& c : f.carried)
        if (c.key == key) return c;
    return std::nullopt;
}

/// Row-kernel structure constants (the spill half-points, the softmax single-stride ratio) belong to a framework
/// kernel on an SM, not to a board: where a GPU's rows of a kind could not fit one (a step ran, the constant was
/// rejected or not identifiable) and a GPU with the same SM (compute capability) fitted it, the GPU takes that
/// fit and is refitted with it held fixed. E.g. NeuSight's A100 PCIe 40GB softmax rows (its train set) stop at
/// rows of 4094 elements, past which the A100 PCIe 80GB's rows (its test set, split by shape hash) fit the spill.
inline void carry_from_siblings(std::vector<public_fit_gpu>& fits,
                                const std::map<std::string, std::vector<const corpus_row*>>& by_gpu) {
    const std::vector<public_fit_gpu> first = fits; // siblings' own fits, not their refits
    for (auto& f : fits) {
        const gpu_spec& gpu = find_gpu(f.gpu);
        if (gpu.sm_version <= 0) continue;
        std::vector<fitted_entry> carry;
        for (std::size_t k = 0; k < pointwise_kind_count; ++k) {
            const std::string kind(name(static_cast<pointwise_kind>(k)));
            bool stepped = false; // rows of this kind entered a step
            for (const auto& s : f.steps) stepped = stepped || s.what == kind || s.what.starts_with(kind + " ");
            if (!stepped) continue;
            std::vector<std::string> keys{spill_key_of(static_cast<pointwise_kind>(k))};
            if (static_cast<pointwise_kind>(k) == pointwise_kind::softmax) keys.emplace_back(single_stride_key);
            for (const auto& key : keys) {
                if (accepted_constant(f, key)) continue;
                for (const auto& sib : first) {
                    if (sib.gpu == f.gpu || find_gpu(sib.gpu).sm_version != gpu.sm_version) continue;
                    if (const auto e = accepted_constant(sib, key)) {
                        carry.push_back({f.gpu, key,
                                         fmt::format("{}; carried from {} (same SM, compute capability {}.{})",
                                                     e->source, sib.gpu, gpu.sm_version / 10, gpu.sm_version % 10),
                                         e->value, e->std_error});
                        break;
                    }
                }
            }
        }
        if (carry.empty()) continue;
        calibration base = *detail::find_literature_base(gpu.slug);
        auto strings = std::make_shared<detail::string_store>(); // the carried sources, which `base` points into
        std::set<std::string, std::less<>> held;
        for (const auto& e : carry) {
            const provenance from{provenance_kind::literature, detail::keep(*strings, e.source)};
            detail::set_constant(base, e.key, e.value, from, e.std_error);
            held.insert(e.key);
        }
        public_fit_gpu refit = fit_gpu(by_gpu.at(f.gpu), gpu, base, held);
        refit.carried = std::move(carry);
        refit.carried_strings = std::move(strings);
        f = std::move(refit);
    }
}

/// Where a kind's rows spanned enough lengths to try the spill term and were accepted without it (and no sibling's
/// half-point was carried), records the half-point as 0: the rows show no spill up to their longest, so no other
/// GPU's half-point is to be carried over it (profiles.hpp, carry_norm_ratios).
inline void record_no_spill(std::vector<public_fit_gpu>& fits) {
    for (auto& f : fits)
        for (std::size_t k = 0; k < pointwise_kind_count; ++k) {
            const std::string kind(name(static_cast<pointwise_kind>(k)));
            const std::string key = spill_key_of(static_cast<pointwise_kind>(k));
            if (accepted_constant(f, key)) continue;
            for (const auto& s : f.steps)
                if (s.rejected.empty() && s.what.starts_with(kind + " without spill")) {
                    f.carried.push_back({f.gpu, key, s.source + "; no spill term (the rows determine none)", 0.0, 0.0});
                    detail::set_constant(
                        f.cal, key, 0.0,
                        {provenance_kind::literature, detail::keep(*f.carried_strings, f.carried.back().source)}, 0.0);
                }
        }
}

/// Fits every GPU with fit rows, each from its literature profile before any corpus fit.
inline std::vector<public_fit_gpu> fit_public(const std::vector<corpus_row>& corpus) {
    std::map<std::string, std::vector<const corpus_row*>> by_gpu;
    for (const auto& r : corpus)
        if (r.split == "fit") by_gpu[r.gpu].push_back(&r);
    std::vector<public_fit_gpu> out;
    for (const auto& [slug, rows] : by_gpu) {
        const gpu_spec& gpu = find_gpu(slug);
        const calibration* base = detail::find_literature_base(gpu.slug);
        if (base == nullptr) continue; // no literature profile: nothing to fit into
        out.push_back(fit_gpu(rows, gpu, *base));
    }
    carry_from_siblings(out, by_gpu);
    record_no_spill(out);
    return out;
}

inline void print_fits(const std::vector<public_fit_gpu>& fits) {
    for (const auto& f : fits) {
        fmt::print("\n== {} ({} fit rows)\n", f.gpu, f.rows);
        fmt::print("{:<34} {:<40} {:>12} {:>10} {:>6} {:>8} {:>8}\n", "step", "constant", "value", "std err", "rows",
                   "before", "after");
        for (const auto& c : f.carried)
            fmt::print("{:<34} {:<40} {:>12.5g} {:>10.3g}  carried: {}\n", "carried", c.key, c.value, c.std_error,
                       c.source);
        for (const auto& s : f.steps)
            for (const auto& c : s.fit.constants)
                fmt::print("{:<34} {:<40} {:>12.5g} {:>10.3g} {:>6} {:>7.1f}% {:>7.1f}%{}\n", s.what, c.key, c.value,
                           c.std_error, s.fit.points, 100 * s.fit.median_abs_error_before,
                           100 * s.fit.median_abs_error, s.rejected.empty() ? "" : "  REJECTED: " + s.rejected);
        for (const auto& s : f.steps)
            for (const auto& [src, h] : s.harness)
                fmt::print("{:<34} harness offset of {:<25} {:>9.1f} us\n", s.what, src, 1e6 * h);
    }
}

/// Every accepted constant, in a stable order: per GPU, its carried constants, then its steps'.
inline std::vector<fitted_entry> accepted(const std::vector<public_fit_gpu>& fits) {
    std::vector<fitted_entry> out;
    for (const auto& f : fits) {
        out.insert(out.end(), f.carried.begin(), f.carried.end());
        for (const auto& s : f.steps)
            if (s.rejected.empty())
                for (const auto& c : s.fit.constants) out.push_back({f.gpu, c.key, s.source, c.value, c.std_error});
    }
    return out;
}

/// The C++ table of the accepted constants (include/vidperf/roofline/literature_fit.hpp).
inline std::string fit_header(const std::vector<public_fit_gpu>& fits) {
    std::string h =
        "#pragma once\n"
        "/// \\file\n"
        "/// Literature constants fitted to the `fit` rows of the public op corpus\n"
        "/// (validation/public), applied on top of each literature profile. Generated by\n"
        "///   vidperf_validate --public validation/public/data --fit-header include/vidperf/roofline/literature_fit.hpp\n"
        "/// do not edit: the ctest validation.public_fit refits and fails when this table\n"
        "/// and the fit disagree.\n\n"
        "#include <array>\n#include <string_view>\n#include <type_traits>\n\n"
        "#include <vidperf/roofline/calibration.hpp>\n\n"
        "namespace vidperf::detail {\n\n"
        "struct public_fit_value {\n"
        "    std::string_view gpu, key;\n"
        "    double value, std_error;\n"
        "    std::string_view source;\n"
        "};\n\n"
        "// clang-format off\n";
    const auto entries = accepted(fits);
    h += fmt::format("inline constexpr std::array<public_fit_value, {}> public_fit_values{{{{\n", entries.size());
    for (const auto& e : entries)
        h += fmt::format("    {{\"{}\", \"{}\", {:.9g}, {:.3g},\n     \"{}\"}},\n", e.gpu, e.key, e.value, e.std_error,
                         detail::cpp_escape(e.source));
    h += "}};\n// clang-format on\n\n"
         "/// Sets the constants fitted for `c.gpu_slug` (literature provenance, with the fit as source).\n"
         "constexpr void apply_public_fit(calibration& c) {\n"
         "    for (const auto& v : public_fit_values) {\n"
         "        if (v.gpu != c.gpu_slug) continue;\n"
         "        for_each_constant(c, [&](std::string_view key, auto& k) {\n"
         "            if (key != v.key) return;\n"
         "            using T = std::remove_cvref_t<decltype(k.value)>;\n"
         "            k.value = T(v.value);\n"
         "            k.from = {provenance_kind::literature, v.source};\n"
         "            k.std_error = v.std_error;\n"
         "        });\n"
         "    }\n"
         "}\n\n"
         "} // namespace vidperf::detail\n";
    return h;
}

/// Compares a refit with the compiled-in table: every accepted constant must be there with the same value
/// (relative 1e-4) and source, and nothing else. Prints each difference; true when they agree.
inline bool check_fit_table(const std::vector<public_fit_gpu>& fits) {
    const auto want = accepted(fits);
    bool ok = true;
    std::size_t matched = 0;
    for (const auto& e : want) {
        bool found = false;
        for (const auto& v : detail::public_fit_values) {
            if (v.gpu != e.gpu || v.key != e.key) continue;
            found = true;
            const bool same = std::abs(v.value - e.value) <= 1e-4 * std::abs(e.value) + 1e-15 && v.source == e.source;
            if (!same) {
                ok = false;
                fmt::print("literature_fit.hpp: {} {} is {:.9g} ('{}'); the fit gives {:.9g} ('{}')\n", e.gpu, e.key,
                           v.value, v.source, e.value, e.source);
            } else {
                ++matched;
            }
        }
        if (!found) {
            ok = false;
            fmt::print("literature_fit.hpp: {} {} = {:.9g} is fitted but missing from the table\n", e.gpu, e.key,
                       e.value);
        }
    }
    const std::size_t table = detail::public_fit_values.size();
    if (table != want.size()) {
        ok = false;
        fmt::print("literature_fit.hpp holds {} constants; the fit accepts {}\n", table, want.size());
    }
    fmt::print("corpus fit: {} constants, {} match the compiled-in table{}\n", want.size(), matched,
               ok ? "" : " (regenerate: vidperf_validate --public ... --fit-header FILE)");
    return ok;
}

} // namespace vidperf::validation
