#pragma once
// Fits the literature profiles' shape-aware constants to the `fit` rows of the
// public op corpus, GPU by GPU, with the engine itself as the model
// (calibration/fit_ops.hpp). The plan per GPU, in order (later fits see the
// earlier results):
//   GEMM      per compute class with rows: its efficiency; for BF16 (else the
//             next class with rows) also the per-call overhead and the k ramp
//   pointwise per kind with rows: its achieved-bandwidth efficiency
//   attention per kernel with rows: efficiency, seq_half, and head_dim_half
//             when two head dimensions are present; backward_ratio from
//             backward rows
//   copies    d2d: hbm_efficiency; pinned h2d: pcie_efficiency
//   collectives: latency and ring efficiency (NVLink)
// The test rows never enter a fit.
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/core.h>

#include <vidperf/calibration/fit_ops.hpp>
#include <vidperf/io/calibration_json.hpp>

#include "public_corpus.hpp"

namespace vidperf::validation {

/// The prefix every corpus-fitted constant's provenance source starts with (the reproduction test finds them by it).
inline constexpr std::string_view public_fit_tag = "fit to validation/public";

struct public_fit_step {
    std::string what; ///< e.g. "gemm bf16"
    std::vector<std::string> sources;
    ops_fit fit;
};

struct public_fit_gpu {
    std::string gpu;
    calibration cal;
    std::vector<public_fit_step> steps;
    std::shared_ptr<detail::string_store> strings = std::make_shared<detail::string_store>();
};

namespace detail_fit {

inline bool is_family(const corpus_row& r, std::string_view f) { return r.family == f; }

inline std::string joined(const std::set<std::string>& s) {
    std::string o;
    for (const auto& x : s) o += (o.empty() ? "" : ", ") + x;
    return o;
}

} // namespace detail_fit

/// Runs the plan on one GPU's fit rows, starting from `base`.
inline public_fit_gpu fit_gpu(const std::vector<const corpus_row*>& rows, const gpu_spec& gpu, const calibration& base) {
    public_fit_gpu out;
    out.gpu = std::string(gpu.slug);
    out.cal = base;
    auto run = [&](const std::string& what, const std::vector<const corpus_row*>& pts,
                   std::vector<std::string_view> keys) {
        if (pts.size() < keys.size() + 4) return;
        std::vector<timed_ops> tp;
        std::set<std::string> sources;
        for (const auto* r : pts) {
            tp.push_back({r->ops, r->measured_s});
            sources.insert(r->source);
        }
        const std::string src = fmt::format("{} ({}): {} {} rows of {}", public_fit_tag,
                                            "vidperf_validate --fit-public", what, pts.size(),
                                            detail_fit::joined(sources));
        const provenance from{provenance_kind::literature, detail::keep(*out.strings, src)};
        public_fit_step step;
        step.what = what;
        step.sources.assign(sources.begin(), sources.end());
        step.fit = fit_constants(tp, gpu, out.cal, keys, from);
        out.cal = step.fit.cal;
        out.steps.push_back(std::move(step));
    };

    // GEMM, per compute class; overhead and ramp from the class with the most rows
    std::map<compute_class, std::vector<const corpus_row*>> gemm;
    for (const auto* r : rows)
        if (r->family == "gemm")
            if (const auto* g = std::get_if<gemm_op>(&r->ops.front())) gemm[*compute_class_of(g->a)].push_back(r);
    // the per-call overhead and the k ramp come from the class video models run most (BF16, else the next
    // tensor-core class with rows)
    compute_class main_class = compute_class::bf16;
    std::size_t most = 0;
    for (const auto cc : {compute_class::bf16, compute_class::fp16, compute_class::tf32, compute_class::fp32,
                          compute_class::fp8, compute_class::int8})
        if (const auto it = gemm.find(cc); it != gemm.end() && it->second.size() >= 8) {
            main_class = cc;
            most = it->second.size();
            break;
        }
    static constexpr std::array<std::string_view, compute_class_count> gemm_keys{
        "gemm_efficiency_fp32", "gemm_efficiency_tf32", "gemm_efficiency_bf16", "gemm_efficiency_fp16",
        "gemm_efficiency_fp8",  "gemm_efficiency_int8", "gemm_efficiency_int4"};
    if (most > 0)
        run("gemm " + std::string(name(main_class)), gemm[main_class],
            {gemm_keys[static_cast<std::size_t>(main_class)], "gemm_overhead_s", "gemm_ramp_dim"});
    for (const auto& [cc, v] : gemm)
        if (cc != main_class) run("gemm " + std::string(name(cc)), v, {gemm_keys[static_cast<std::size_t>(cc)]});

    // pointwise kinds
    static constexpr std::array<std::string_view, pointwise_kind_count> pw_keys{
        "pointwise_elementwise_efficiency", "pointwise_layernorm_efficiency", "pointwise_rmsnorm_efficiency",
        "pointwise_softmax_efficiency", "pointwise_reduction_efficiency"};
    for (std::size_t k = 0; k < pointwise_kind_count; ++k) {
        const auto kind = static_cast<pointwise_kind>(k);
        std::vector<const corpus_row*> v;
        for (const auto* r : rows)
            if (r->family == name(kind)) v.push_back(r);
        run(std::string(name(kind)), v, {pw_keys[k]});
    }

    // attention per kernel
    for (const auto k : all_attention_kernels) {
        std::vector<const corpus_row*> fwd, bwd;
        std::set<extent> dims;
        for (const auto* r : rows) {
            if (r->family != "attention") continue;
            const auto* a = std::get_if<attention_op>(&r->ops.front());
            if (a == nullptr || a->kernel != k) continue;
            bool backward = false;
            for (const auto& o : r->ops)
                if (const auto* x = std::get_if<attention_op>(&o); x && x->direction == pass::backward) backward = true;
            (backward ? bwd : fwd).push_back(r);
            if (!backward) dims.insert(a->head_dim);
        }
        const std::string kn = std::string(name(k));
        std::string prefix = "attention_" + kn;
        for (auto& ch : prefix)
            if (ch == '-') ch = '_';
        const std::string eff = prefix + "_efficiency", half = prefix + "_seq_half", hd = prefix + "_head_dim_half",
                          br = prefix + "_backward_ratio";
        std::vector<std::string_view> keys{eff, half};
        if (dims.size() >= 2) keys.push_back(hd);
        run("attention " + kn + " forward", fwd, keys);
        run("attention " + kn + " backward", bwd, {br});
    }

    // copies
    std::vector<const corpus_row*> d2d, h2d;
    for (const auto* r : rows)
        if (r->family == "copy")
            if (const auto* c = std::get_if<copy_op>(&r->ops.front())) {
                if (c->kind == copy_kind::device_local) d2d.push_back(r);
                if (c->kind == copy_kind::host_to_device && c->pinned) h2d.push_back(r);
            }
    run("copy d2d", d2d, {"hbm_efficiency"});
    run("copy h2d pinned", h2d, {"pcie_efficiency"});

    // collectives over NVLink
    std::vector<const corpus_row*> coll;
    for (const auto* r : rows)
        if (r->family == "collective")
            if (const auto* c = std::get_if<collective_op>(&r->ops.front());
                c && c->link == link_kind::nvlink && c->kind != collective_kind::all_to_all)
                coll.push_back(r);
    run("collectives nvlink", coll, {"collective_latency_s", "collective_efficiency"});
    return out;
}

/// Fits every GPU with fit rows; prints the constants and writes DIR/<gpu>.json (vidperf.calibration/1).
inline void fit_public(const std::vector<corpus_row>& corpus, const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    std::map<std::string, std::vector<const corpus_row*>> by_gpu;
    for (const auto& r : corpus)
        if (r.split == "fit") by_gpu[r.gpu].push_back(&r);
    for (const auto& [slug, rows] : by_gpu) {
        const gpu_spec& gpu = find_gpu(slug);
        const calibration_choice base = builtin_calibration("literature", gpu.slug);
        calibration start = *base.cal;
        if (base.fell_back) { // a GPU with no literature profile yet: start from the ideal, named for this GPU
            start.profile = "literature";
            start.gpu_slug = gpu.slug;
        }
        const public_fit_gpu f = fit_gpu(rows, gpu, start);
        fmt::print("\n== {} ({} fit rows{})\n", slug, rows.size(), base.fell_back ? ", no literature profile yet" : "");
        fmt::print("{:<28} {:<40} {:>12} {:>10} {:>6} {:>9} {:>9}\n", "step", "constant", "value", "std err",
                   "rows", "before", "after");
        for (const auto& s : f.steps)
            for (const auto& c : s.fit.constants)
                fmt::print("{:<28} {:<40} {:>12.5g} {:>10.3g} {:>6} {:>8.1f}% {:>8.1f}%\n", s.what, c.key, c.value,
                           c.std_error, s.fit.points, 100 * s.fit.median_abs_error_before,
                           100 * s.fit.median_abs_error);
        std::ofstream(dir / (slug + ".json")) << to_json(f.cal).dump(2) << '\n';
    }
}

} // namespace vidperf::validation
