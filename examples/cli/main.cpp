// vidperf: the command-line face of the library.
//   vidperf list gpus [--json]
//   vidperf list calibration --gpu SLUG [--calibration datasheet|literature|FILE] [--json]
//   vidperf op gemm --m M --n N --k K [--batch B] [--dtype bf16] --gpu SLUG|FILE [--calibration ...] [--json]
//   vidperf op attention --heads H --seq S --head-dim D [...] --gpu ...
//   vidperf op copy --bytes N --kind h2d|d2h|local|peer --gpu ...
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>
#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/json.hpp>

namespace {

using namespace vidperf;

/// A GPU and the calibration chosen for it, with the strings they point to kept alive.
struct target {
    loaded_gpu gpu;
    loaded_calibration cal;
    bool fell_back = false;
    std::string note;
};

loaded_gpu resolve_gpu(const std::string& arg) {
    if (const gpu_spec* g = try_find_gpu(arg)) return {*g, std::make_shared<detail::string_store>()};
    if (std::filesystem::exists(arg)) return load_gpu_file(arg);
    (void)find_gpu(arg); // raises not_found with the closest slugs
    return {};
}

target resolve(const std::string& gpu_arg, const std::string& cal_arg) {
    target t;
    t.gpu = resolve_gpu(gpu_arg);
    const bool builtin = std::find(builtin_profiles.begin(), builtin_profiles.end(), cal_arg) != builtin_profiles.end();
    if (builtin) {
        const calibration_choice c = builtin_calibration(cal_arg, t.gpu.spec.slug);
        t.cal.cal = *c.cal;
        t.fell_back = c.fell_back;
        t.note = std::string(c.note);
    } else if (std::filesystem::exists(cal_arg)) {
        t.cal = load_calibration_file(cal_arg);
    } else {
        (void)builtin_calibration(cal_arg, t.gpu.spec.slug); // raises with the list of profiles
    }
    return t;
}

std::optional<dtype> dtype_arg(const std::string& s) {
    auto d = parse_dtype(s);
    if (!d)
        detail::raise(errc::unknown_name, "--dtype",
                      "unknown dtype '" + s + "'; known: fp32 tf32 bf16 fp16 fp8_e4m3 fp8_e5m2 int8 int4 nf4");
    return d;
}

nlohmann::json prediction_json(const std::string& op_name, const nlohmann::json& shape, const target& t,
                               const prediction<double>& p);

void print_prediction(const std::string& op_name, const nlohmann::json& shape, const target& t,
                      const prediction<double>& p, bool json) {
    if (json) {
        std::cout << prediction_json(op_name, shape, t, p).dump(2) << '\n';
        return;
    }
    if (t.fell_back) fmt::print(stderr, "note: {}\n", t.note);
    fmt::print("{} {} on {} ({} calibration, constants rest on: {})\n", op_name, shape.dump(), t.gpu.spec.name,
               t.cal.cal.profile, name(p.basis));
    fmt::print("  time            {:>12.3f} us   ({}-bound)\n", p.time.value() * 1e6, name(p.bound));
    fmt::print("  compute / memory / overhead  {:.3f} / {:.3f} / {:.3f} us\n", p.compute_time.value() * 1e6,
               p.memory_time.value() * 1e6, p.overhead_time.value() * 1e6);
    fmt::print("  FLOPs           {:>12.4g}      achieved {:.1f} TFLOP/s\n", p.flops.value(),
               p.flops.value() / p.time.value() / 1e12);
    fmt::print("  bytes           {:>12.4g}      achieved {:.1f} GB/s\n", p.bytes.value(),
               p.bytes.value() / p.time.value() / 1e9);
}

nlohmann::json prediction_json(const std::string& op_name, const nlohmann::json& shape, const target& t,
                               const prediction<double>& p) {
    nlohmann::json j = {{"schema", "vidperf.op/1"},
                        {"op", op_name},
                        {"shape", shape},
                        {"gpu", t.gpu.spec.slug},
                        {"calibration", t.cal.cal.profile},
                        {"calibration_fell_back", t.fell_back},
                        {"time_s", p.time.value()},
                        {"compute_time_s", p.compute_time.value()},
                        {"memory_time_s", p.memory_time.value()},
                        {"overhead_time_s", p.overhead_time.value()},
                        {"flops", p.flops.value()},
                        {"bytes", p.bytes.value()},
                        {"achieved_flops_per_s", p.flops.value() / p.time.value()},
                        {"achieved_bytes_per_s", p.bytes.value() / p.time.value()},
                        {"compute_efficiency", p.compute_efficiency},
                        {"bound", name(p.bound)},
                        {"basis", name(p.basis)}};
    if (t.fell_back) j["calibration_note"] = t.note;
    return j;
}

void print_comparison(const std::string& op_name, const nlohmann::json& shape, const std::vector<target>& ts,
                      const std::vector<prediction<double>>& ps, bool json) {
    if (json) {
        nlohmann::json rows = nlohmann::json::array();
        for (std::size_t i = 0; i < ts.size(); ++i) {
            nlohmann::json r = prediction_json(op_name, shape, ts[i], ps[i]);
            r["speedup_vs_first"] = ps[0].time.value() / ps[i].time.value();
            rows.push_back(std::move(r));
        }
        std::cout << nlohmann::json{{"schema", "vidperf.op-compare/1"}, {"results", rows}}.dump(2) << '\n';
        return;
    }
    fmt::print("{} {}\n", op_name, shape.dump());
    fmt::print("  {:<17} {:<12} {:>12} {:>10} {:>10} {:>9} {:>11} {:>9}\n", "gpu", "calibration", "time us",
               "TFLOP/s", "GB/s", "bound", "rests on", "speed-up");
    bool any_fallback = false;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        const auto& p = ps[i];
        any_fallback = any_fallback || ts[i].fell_back;
        fmt::print("  {:<17} {:<12} {:>12.3f} {:>10.1f} {:>10.1f} {:>9} {:>11} {:>8.2f}x\n", ts[i].gpu.spec.slug,
                   std::string(ts[i].cal.cal.profile) + (ts[i].fell_back ? "*" : ""), p.time.value() * 1e6,
                   p.flops.value() / p.time.value() / 1e12, p.bytes.value() / p.time.value() / 1e9, name(p.bound),
                   name(p.basis), ps[0].time.value() / p.time.value());
    }
    if (any_fallback)
        fmt::print("  * no literature calibration for this GPU: datasheet ideal used (optimistic)\n");
}

int list_gpus(bool json) {
    if (json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& g : gpu_catalog) arr.push_back(to_json(g));
        std::cout << nlohmann::json{{"schema", "vidperf.gpus/1"}, {"gpus", arr}}.dump(2) << '\n';
        return 0;
    }
    fmt::print("{:<17} {:<38} {:>4} {:>8} {:>8} {:>7} {:>9} {:>6} {:>7}\n", "slug", "name", "SMs", "BF16 TF",
               "FP8 TF", "HBM GB", "HBM GB/s", "L2 MB", "NVL GB/s");
    for (const auto& g : gpu_catalog) {
        const double fp8 = g.peak(compute_class::fp8).value() / 1e12;
        fmt::print("{:<17} {:<38} {:>4} {:>8.1f} {:>8} {:>7.0f} {:>9.0f} {:>6.0f} {:>7.0f}\n", g.slug, g.name,
                   g.sm_count, g.peak(compute_class::bf16).value() / 1e12, fp8 > 0 ? fmt::format("{:.1f}", fp8) : "-",
                   g.hbm_capacity.value() / 1e9, g.hbm_bandwidth.value() / 1e9, g.l2_size.value() / units::mebi,
                   g.nvlink_bandwidth.value() / 1e9);
    }
    fmt::print("dense peaks (no sparsity); bandwidths per direction. `vidperf list gpus --json` for every field and its source.\n");
    return 0;
}

int list_calibration(const target& t, bool json) {
    if (json) {
        nlohmann::json j = to_json(t.cal.cal);
        if (t.fell_back) j["calibration_note"] = t.note;
        std::cout << j.dump(2) << '\n';
        return 0;
    }
    if (t.fell_back) fmt::print(stderr, "note: {}\n", t.note);
    fmt::print("calibration '{}' for {}\n", t.cal.cal.profile, t.gpu.spec.slug);
    for_each_constant(t.cal.cal, [](std::string_view k, const auto& c) {
        fmt::print("  {:<40} {:>12.6g}  {:<10} {}\n", k, constant_value(c), name(c.from.kind), c.from.source);
    });
    for_each_flag(t.cal.cal, [](std::string_view k, const bool& f) { fmt::print("  {:<40} {:>12}\n", k, f); });
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"vidperf: predict time, memory and cost of video-generation work on GPUs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(vidperf::version_string));

    bool json = false;
    std::string gpu_arg;
    std::string cal_arg = "literature";

    auto* list = app.add_subcommand("list", "list catalog entries");
    list->require_subcommand(1);
    auto* list_g = list->add_subcommand("gpus", "the GPU catalog (datasheet specs)");
    list_g->add_flag("--json", json, "JSON output");
    auto* list_c = list->add_subcommand("calibration", "every calibration constant with its provenance");
    list_c->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    list_c->add_option("--calibration", cal_arg, "datasheet | literature | calibration JSON file");
    list_c->add_flag("--json", json, "JSON output");

    auto* op = app.add_subcommand("op", "predict one op");
    op->require_subcommand(1);
    auto common = [&](CLI::App* sc) {
        sc->add_option("--gpu", gpu_arg, "GPU slug (vidperf list gpus) or GPU JSON file; several, comma-separated, compare")->required();
        sc->add_option("--calibration", cal_arg, "datasheet | literature | calibration JSON file")
            ->default_str("literature");
        sc->add_flag("--json", json, "JSON output");
    };
    std::string dtype_s = "bf16";

    gemm_op g;
    auto* op_gemm = op->add_subcommand("gemm", "C[m,n] = A[m,k] B[k,n] (batched when --batch > 1)");
    op_gemm->add_option("--m", g.m, "rows of A and C")->required();
    op_gemm->add_option("--n", g.n, "columns of B and C")->required();
    op_gemm->add_option("--k", g.k, "inner dimension")->required();
    op_gemm->add_option("--batch", g.batch, "independent problems")->default_val(1);
    op_gemm->add_option("--dtype", dtype_s, "input dtype: fp32 tf32 bf16 fp16 fp8 int8 int4")->default_str("bf16");
    common(op_gemm);

    attention_op a;
    std::string kernel_s = "fa2";
    auto* op_att = op->add_subcommand("attention", "softmax(QK^T)V");
    op_att->add_option("--batch", a.batch, "sequences")->default_val(1);
    op_att->add_option("--heads", a.heads_q, "query heads")->required();
    op_att->add_option("--kv-heads", a.heads_kv, "key/value heads (GQA); default = heads");
    op_att->add_option("--seq", a.seq_q, "query length")->required();
    op_att->add_option("--kv-seq", a.seq_kv, "key length; default = seq");
    op_att->add_option("--head-dim", a.head_dim, "head dimension")->required();
    op_att->add_flag("--causal", a.causal, "causal mask");
    bool backward = false;
    op_att->add_flag("--backward", backward, "backward pass");
    op_att->add_option("--kernel", kernel_s, "fa2 fa3 cudnn sdpa-math sdpa-efficient sage")->default_str("fa2");
    op_att->add_option("--dtype", dtype_s, "dtype")->default_str("bf16");
    common(op_att);

    copy_op cp;
    std::string copy_kind_s = "local";
    bool pageable = false;
    auto* op_copy = op->add_subcommand("copy", "a memory copy");
    op_copy->add_option("--bytes", cp.bytes, "bytes to copy")->required();
    op_copy->add_option("--kind", copy_kind_s, "h2d d2h local peer")->default_str("local");
    op_copy->add_flag("--pageable", pageable, "host memory not pinned");
    common(op_copy);

    CLI11_PARSE(app, argc, argv);

    try {
        if (list_g->parsed()) return list_gpus(json);
        if (list_c->parsed()) return list_calibration(resolve(gpu_arg, cal_arg), json);

        // the op and its shape description
        vidperf::op the_op;
        std::string op_name;
        nlohmann::json shape;
        if (op_gemm->parsed()) {
            g.a = g.b = g.c = *dtype_arg(dtype_s);
            if (g.a == dtype::fp8_e4m3 || g.a == dtype::fp8_e5m2 || g.a == dtype::int8 || g.a == dtype::int4)
                g.c = dtype::bf16; // low-precision GEMMs write a wider output
            the_op = g;
            op_name = "gemm";
            shape = {{"m", g.m}, {"n", g.n}, {"k", g.k}, {"batch", g.batch}, {"dtype", name(g.a)}};
        } else if (op_att->parsed()) {
            a.type = *dtype_arg(dtype_s);
            a.direction = backward ? pass::backward : pass::forward;
            bool found = false;
            for (auto k : all_attention_kernels)
                if (name(k) == kernel_s) {
                    a.kernel = k;
                    found = true;
                }
            if (!found)
                detail::raise(errc::unknown_name, "--kernel",
                              "unknown attention kernel '" + kernel_s +
                                  "'; known: fa2 fa3 cudnn sdpa-math sdpa-efficient sage");
            (void)cost(a); // validates before any GPU is looked at
            const auto r = resolved(a);
            the_op = a;
            op_name = "attention";
            shape = {{"batch", a.batch},   {"heads", a.heads_q},       {"kv_heads", r.heads_kv},
                     {"seq", a.seq_q},     {"kv_seq", r.seq_kv},       {"head_dim", a.head_dim},
                     {"causal", a.causal}, {"kernel", name(a.kernel)}, {"pass", backward ? "backward" : "forward"},
                     {"dtype", name(a.type)}};
        } else if (op_copy->parsed()) {
            if (copy_kind_s == "h2d")
                cp.kind = copy_kind::host_to_device;
            else if (copy_kind_s == "d2h")
                cp.kind = copy_kind::device_to_host;
            else if (copy_kind_s == "local")
                cp.kind = copy_kind::device_local;
            else if (copy_kind_s == "peer")
                cp.kind = copy_kind::device_peer;
            else
                detail::raise(errc::unknown_name, "--kind",
                              "unknown copy kind '" + copy_kind_s + "'; known: h2d d2h local peer");
            cp.pinned = !pageable;
            the_op = cp;
            op_name = "copy";
            shape = {{"bytes", cp.bytes}, {"kind", copy_kind_s}, {"pinned", cp.pinned}};
        }

        // one GPU: the full breakdown; several (comma-separated): a comparison table
        std::vector<std::string> gpus;
        for (std::size_t pos = 0; pos <= gpu_arg.size();) {
            const std::size_t comma = std::min(gpu_arg.find(',', pos), gpu_arg.size());
            if (comma > pos) gpus.push_back(gpu_arg.substr(pos, comma - pos));
            pos = comma + 1;
        }
        if (gpus.empty()) detail::raise(errc::unknown_gpu, "--gpu", "no GPU given");
        std::vector<target> targets;
        std::vector<prediction<double>> results;
        for (const auto& name_or_file : gpus) {
            targets.push_back(resolve(name_or_file, cal_arg));
            results.push_back(predict(the_op, targets.back().gpu.spec, targets.back().cal.cal));
        }
        if (targets.size() == 1)
            print_prediction(op_name, shape, targets[0], results[0], json);
        else
            print_comparison(op_name, shape, targets, results, json);
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
