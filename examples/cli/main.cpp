// vidperf: the command-line face of the library, a thin shell: flags -> job (pipeline/job.hpp) -> the
// library's estimate -> a printer (text here, JSON from io/results_json.hpp).
//   vidperf list gpus|models|calibration ...
//   vidperf op gemm|attention|copy ... --gpu SLUG[,SLUG...]
//   vidperf estimate|compare|shapes|max-frames|max-resolution|plan|cost|pool|scale|train ...
// Flags mean the same everywhere: --gpu names GPU types (a comma-separated list where the command compares
// them), --gpus is the GPU count of one job, --counts a list of GPU counts.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/io/results_json.hpp>
#include <vidperf/io/shapes_json.hpp>
#include <vidperf/io/storage_json.hpp>
#include <vidperf/json.hpp>

#include "args.hpp"
#include "print.hpp"

namespace {

using namespace vidperf;
using namespace vidperf::cli;

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << '\n'; }

int list_gpus(bool json) {
    if (json) {
        print_json(gpus_json());
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

int list_models(bool json) {
    if (json) {
        print_json(models_json());
        return 0;
    }
    fmt::print("{:<17} {:<22} {:<5} {:<18} {:>9} {:>22}\n", "slug", "name", "task", "denoiser", "params",
               "standard workload");
    for (const auto& m : model_presets())
        fmt::print("{:<17} {:<22} {:<5} {:<18} {:>8.2f}B {:>22}\n", m.slug, m.name.substr(0, 22), name(m.task),
                   name(m.denoiser.family), denoiser_parameters(m) / 1e9,
                   fmt::format("{}x{}x{}, {} steps", m.standard.width, m.standard.height, m.standard.frames,
                               m.standard.steps));
    return 0;
}

int list_calibration(const target& t, bool json) {
    if (json) {
        nlohmann::json j = to_json(t.constants());
        if (t.fell_back) j["calibration_note"] = t.note;
        print_json(j);
        return 0;
    }
    note_fallback(t);
    fmt::print("calibration '{}' for {}\n", t.constants().profile, t.spec().slug);
    for_each_constant(t.constants(), [](std::string_view k, const auto& c) {
        fmt::print("  {:<40} {:>12.6g}  {:<10} {}\n", k, constant_value(c), name(c.from.kind), c.from.source);
    });
    for_each_flag(t.constants(), [](std::string_view k, const bool& f) { fmt::print("  {:<40} {:>12}\n", k, f); });
    return 0;
}

/// Every GPU a comma-separated --gpu names, resolved with the calibration profile.
std::vector<target> resolve_targets(const std::string& gpus, const std::string& profile) {
    std::vector<target> out;
    for (const auto& g : split_list(gpus, "--gpu")) out.push_back(resolve_target(g, profile));
    return out;
}

/// One GPU: a list is refused where the command takes one.
target resolve_one(const std::string& gpu, const std::string& profile) {
    const auto list = split_list(gpu, "--gpu");
    if (list.size() != 1)
        raise(errc::inconsistent, "--gpu",
                      "this command takes one GPU, got " + std::to_string(list.size()) + " (use compare to compare GPUs)");
    return resolve_target(list.front(), profile);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"vidperf: predict time, memory and cost of video-generation work on GPUs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string(vidperf::version_string));

    bool json = false;
    std::string gpu_arg;
    std::string cal_arg = "best";
    auto calibration_option = [&](CLI::App* sc) {
        sc->add_option("--calibration", cal_arg,
                       "best (measured, else literature, else datasheet) | measured | literature | datasheet | "
                       "calibration JSON file")
            ->default_str("best");
    };
    auto json_flag = [&](CLI::App* sc) { sc->add_flag("--json", json, "JSON output"); };

    auto* list = app.add_subcommand("list", "list catalog entries");
    list->require_subcommand(1);
    auto* list_g = list->add_subcommand("gpus", "the GPU catalog (datasheet specs)");
    json_flag(list_g);
    auto* list_c = list->add_subcommand("calibration", "every calibration constant with its provenance");
    list_c->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    calibration_option(list_c);
    json_flag(list_c);
    auto* list_m = list->add_subcommand("models", "the model presets");
    json_flag(list_m);

    // ---- op
    auto* op = app.add_subcommand("op", "predict one op");
    op->require_subcommand(1);
    auto op_common = [&](CLI::App* sc) {
        sc->add_option("--gpu", gpu_arg, "GPU slug (vidperf list gpus) or GPU JSON file; several, comma-separated, compare")
            ->required();
        calibration_option(sc);
        json_flag(sc);
    };
    std::string dtype_s = "bf16", m_s, n_s, k_s, batch_s = "1";
    auto* op_gemm = op->add_subcommand("gemm", "C[m,n] = A[m,k] B[k,n] (batched when --batch > 1)");
    op_gemm->add_option("--m", m_s, "rows of A and C")->required();
    op_gemm->add_option("--n", n_s, "columns of B and C")->required();
    op_gemm->add_option("--k", k_s, "inner dimension")->required();
    op_gemm->add_option("--batch", batch_s, "independent problems")->default_str("1");
    op_gemm->add_option("--dtype", dtype_s, "input dtype: fp32 tf32 bf16 fp16 fp8 int8 int4")->default_str("bf16");
    op_common(op_gemm);

    std::string heads_s, kv_heads_s, seq_s, kv_seq_s, head_dim_s, kernel_s = "fa2";
    bool causal = false, backward = false;
    auto* op_att = op->add_subcommand("attention", "softmax(QK^T)V");
    op_att->add_option("--batch", batch_s, "sequences")->default_str("1");
    op_att->add_option("--heads", heads_s, "query heads")->required();
    op_att->add_option("--kv-heads", kv_heads_s, "key/value heads (GQA); default = heads");
    op_att->add_option("--seq", seq_s, "query length")->required();
    op_att->add_option("--kv-seq", kv_seq_s, "key length; default = seq");
    op_att->add_option("--head-dim", head_dim_s, "head dimension")->required();
    op_att->add_flag("--causal", causal, "causal mask");
    op_att->add_flag("--backward", backward, "backward pass");
    op_att->add_option("--kernel", kernel_s, "fa2 fa3 cudnn sdpa-math sdpa-efficient sage")->default_str("fa2");
    op_att->add_option("--dtype", dtype_s, "dtype")->default_str("bf16");
    op_common(op_att);

    std::string bytes_s, copy_kind_s = "local";
    bool pageable = false;
    auto* op_copy = op->add_subcommand("copy", "a memory copy");
    op_copy->add_option("--bytes", bytes_s, "bytes to copy")->required();
    op_copy->add_option("--kind", copy_kind_s, "h2d d2h local peer")->default_str("local");
    op_copy->add_flag("--pageable", pageable, "host memory not pinned");
    op_common(op_copy);

    // ---- video jobs
    std::string model_arg = "wan2.1-t2v-14b";
    video_flags vf;
    auto job_command = [&](const char* cmd, const char* help, bool gpu_required = true) {
        auto* sc = app.add_subcommand(cmd, help);
        sc->add_option("--model", model_arg, "model preset (vidperf list models) or a diffusers model folder")
            ->required();
        auto* g = sc->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file");
        if (gpu_required) g->required();
        calibration_option(sc);
        add_video_flags(sc, vf);
        return sc;
    };
    auto* est = job_command("estimate", "time and memory of one video job on one GPU type");
    json_flag(est);
    std::string shapes_out;
    auto* shp = job_command("shapes",
                            "the distinct op shapes of one video job as JSON (vidperf.shapes/1), for the calibration "
                            "suite and the validation measurements (--gpu: the reference GPU for the ops' shares)",
                            false);
    shp->add_option("--out", shapes_out, "write the JSON to this file instead of standard output");

    auto* cmp = app.add_subcommand("compare", "one video job on several GPU types, with speed-ups over the first");
    cmp->add_option("--model", model_arg, "model preset or a diffusers model folder")->default_str("wan2.1-t2v-14b");
    cmp->add_option("--gpu", gpu_arg, "comma-separated GPU slugs or files")
        ->default_str("a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb");
    calibration_option(cmp);
    add_video_flags(cmp, vf);
    json_flag(cmp);

    auto* mf = job_command("max-frames", "the largest frame count that fits on a GPU");
    json_flag(mf);
    auto* mr = job_command("max-resolution", "the largest size at the workload's aspect ratio that fits");
    json_flag(mr);

    std::string prices_arg;
    auto* plan = job_command("plan", "the cheapest GPU that fits a job, at prices you give", false);
    plan->add_option("--prices", prices_arg, "GPU=dollars per GPU-hour, comma-separated (a100-sxm4-80gb=1.5,...)")
        ->required();
    json_flag(plan);

    std::string runtime_h, price_s, utilisation_s = "1", reruns_s = "0", queue_s = "0", value_s = "0";
    auto* cst = app.add_subcommand("cost", "cost per finished job: rental, reruns, utilisation, waiting");
    cst->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    cst->add_option("--runtime-h", runtime_h, "runtime of one attempt in hours (or give --model)");
    cst->add_option("--model", model_arg, "estimate the runtime of this model's job on --gpu");
    cst->add_option("--price-per-hour", price_s, "dollars per GPU-hour")->required();
    cst->add_option("--utilisation", utilisation_s, "useful share of paid time, (0, 1]")->default_str("1");
    cst->add_option("--reruns-per-100", reruns_s, "failed attempts per 100 jobs")->default_str("0");
    cst->add_option("--queue-delay-h", queue_s, "hours waiting before the job starts")->default_str("0");
    cst->add_option("--value-per-hour", value_s, "what an hour of waiting for the result costs you")->default_str("0");
    calibration_option(cst);
    add_video_flags(cst, vf);
    json_flag(cst);

    std::string requests_s, max_wait_s;
    auto* pool = job_command("pool", "GPUs needed to serve a request rate within a waiting-time target");
    pool->add_option("--requests-per-hour", requests_s, "arrival rate (Poisson)")->required();
    pool->add_option("--max-wait-s", max_wait_s, "target mean time in queue, seconds")->required();
    json_flag(pool);

    std::string counts_s = "1,2,4,8";
    auto* scl = job_command("scale", "one video job on 1, 2, 4, 8 ... GPUs: time, speed-up, efficiency, bound");
    scl->add_option("--counts", counts_s, "GPU counts, comma-separated")->default_str("1,2,4,8");
    json_flag(scl);

    std::string train_counts, method = "full", ckpt_s = "full", optimizer_s = "adamw", data_s = "latents",
                storage_file, lora_rank_s = "64", micro_batch_s = "1", zero_s = "0", gpus_per_node_s = "8",
                cores_s = "8", train_tp_s = "1", train_ulysses_s = "1", train_ring_s = "1", storage_GBps_s,
                overlap_s = "0", encoded_MB_s, decode_fps_s, train_gpus_s, train_dtype_s = "bf16", train_link_s,
                train_network_s, train_attention_s, train_impl_s, train_frames, train_width, train_height;
    auto* trn = app.add_subcommand("train", "fine-tuning step time, memory and multi-GPU scaling");
    trn->add_option("--model", model_arg, "model preset")->required();
    trn->add_option("--gpu", gpu_arg, "GPU slug or GPU JSON file")->required();
    trn->add_option("--gpus", train_gpus_s, "GPUs of the job (one row)");
    trn->add_option("--counts", train_counts, "GPU counts, comma-separated: a scaling table (default 1)");
    trn->add_option("--method", method, "full | lora")->default_str("full");
    trn->add_option("--lora-rank", lora_rank_s, "LoRA rank")->default_str("64");
    trn->add_option("--checkpointing", ckpt_s, "none | full | selective")->default_str("full");
    trn->add_option("--optimizer", optimizer_s, "adamw | adam8bit | adafactor")->default_str("adamw");
    trn->add_option("--dtype", train_dtype_s, "bf16 | fp16 | fp8 | fp32: the denoiser's compute and weights")
        ->default_str("bf16");
    trn->add_option("--attention", train_attention_s, "fa2 | fa3 | cudnn | sdpa-math | sdpa-efficient | sage");
    trn->add_option("--zero", zero_s, "ZeRO stage 0-3 (3 = FSDP full shard)")->default_str("0");
    trn->add_option("--tp", train_tp_s, "tensor-parallel degree inside each data-parallel replica")->default_str("1");
    trn->add_option("--ulysses", train_ulysses_s, "sequence-parallel (Ulysses) degree inside each replica")
        ->default_str("1");
    trn->add_option("--ring", train_ring_s, "ring-attention degree inside each replica")->default_str("1");
    trn->add_option("--batch", micro_batch_s, "videos per GPU per step")->default_str("1");
    trn->add_option("--frames", train_frames, "frames per clip (default: the model's standard)");
    trn->add_option("--width", train_width, "clip width");
    trn->add_option("--height", train_height, "clip height");
    trn->add_option("--comm-overlap", overlap_s, "share of gradient communication hidden behind backward")
        ->default_str("0");
    trn->add_option("--link", train_link_s, "nvlink | pcie | network (default: the GPU's own)");
    trn->add_option("--network-GBps", train_network_s, "per-GPU network bandwidth per direction (--link network)");
    trn->add_option("--data", data_s, "latents (cached) | encoded | raw: what the loader reads per sample")
        ->default_str("latents");
    trn->add_option("--encoded-MB", encoded_MB_s, "encoded clip size in MB (--data encoded)");
    trn->add_option("--decode-fps-per-core", decode_fps_s, "CPU video decode rate per core (--data encoded)");
    trn->add_option("--cpu-cores-per-gpu", cores_s, "decode cores per GPU")->default_str("8");
    trn->add_option("--storage-GBps", storage_GBps_s, "node storage read throughput, shared by its GPUs");
    trn->add_option("--storage-scaling", storage_file, "vidperf.storage/1 file: throughput vs GPUs reading");
    trn->add_option("--gpus-per-node", gpus_per_node_s, "GPUs sharing one node's storage")->default_str("8");
    add_implementation_flag(trn, train_impl_s);
    calibration_option(trn);
    json_flag(trn);

    CLI11_PARSE(app, argc, argv);

    try {
        if (list_g->parsed()) return list_gpus(json);
        if (list_c->parsed()) return list_calibration(resolve_one(gpu_arg, cal_arg), json);
        if (list_m->parsed()) return list_models(json);

        auto job = [&] { return make_job(resolve_model(model_arg), to_request(vf)); };

        if (shp->parsed()) {
            const inference_job j = job();
            const target t = resolve_one(gpu_arg.empty() ? std::string("h100-sxm5-80gb") : gpu_arg, cal_arg);
            inference_options io = j.inference;
            io.parallel.link = link_on(j, t.spec());
            const std::string text =
                shapes_document(*j.model, j.work, t.spec(), t.constants(), io).dump(1) + "\n";
            if (shapes_out.empty()) {
                std::cout << text;
            } else {
                std::ofstream f(shapes_out);
                f << text;
                if (!f) raise(errc::json_bad_value, "--out", "cannot write '" + shapes_out + "'");
            }
            return 0;
        }
        if (est->parsed()) {
            const inference_job j = job();
            const target t = resolve_one(gpu_arg, cal_arg);
            const job_estimate e = estimate(j, t);
            if (json)
                print_json(estimate_json(j, t, e));
            else
                print_estimate(j, t, e);
            return 0;
        }
        if (cmp->parsed()) {
            const inference_job j = job();
            const std::vector<target> ts =
                resolve_targets(gpu_arg.empty() ? std::string("a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb") : gpu_arg,
                                cal_arg);
            std::vector<job_estimate> es;
            es.reserve(ts.size());
            for (const auto& t : ts) es.push_back(estimate(j, t));
            if (json)
                print_json(compare_json(std::vector<inference_job>(ts.size(), j), ts, es));
            else
                print_compare(j, ts, es);
            return 0;
        }
        if (mf->parsed()) {
            const inference_job j = job();
            const target t = resolve_one(gpu_arg, cal_arg);
            const auto r = max_frames(j, t.spec(), t.constants());
            if (json) {
                print_json(max_frames_json(j, t, r));
                return r.frames > 0 ? 0 : 1;
            }
            if (r.frames == 0)
                fmt::print("{} at {}x{} does not fit on {} even at {} frames ({:.1f} GB needed of {:.0f} GB); try "
                           "--offload model\n",
                           j.model->name, j.work.width, j.work.height, t.spec().name, r.next_frames,
                           r.device_at_next.value() / 1e9, t.spec().hbm_capacity.value() / 1e9);
            else
                fmt::print("{} at {}x{} on {} (offload {}): at most {} frames ({:.1f} GB of {:.0f} GB); {} frames "
                           "need {:.1f} GB\n",
                           j.model->name, j.work.width, j.work.height, t.spec().name, name(j.pipeline.offload),
                           r.frames, r.device_at_frames.value() / 1e9, t.spec().hbm_capacity.value() / 1e9,
                           r.next_frames, r.device_at_next.value() / 1e9);
            return r.frames > 0 ? 0 : 1; // nothing fits: a distinct exit status for scripts
        }
        if (mr->parsed()) {
            const inference_job j = job();
            const target t = resolve_one(gpu_arg, cal_arg);
            const auto r = max_resolution(j, t.spec(), t.constants());
            if (json) {
                print_json(max_resolution_json(j, t, r));
                return r.width > 0 ? 0 : 1;
            }
            if (r.width == 0)
                fmt::print("{} x {} frames does not fit on {} even at {}x{} ({:.1f} GB)\n", j.model->name,
                           j.work.frames, t.spec().name, r.next_width, r.next_height, r.device_at_next.value() / 1e9);
            else
                fmt::print("{} x {} frames on {} (offload {}): at most {}x{} ({:.1f} GB of {:.0f} GB); {}x{} needs "
                           "{:.1f} GB\n",
                           j.model->name, j.work.frames, t.spec().name, name(j.pipeline.offload), r.width, r.height,
                           r.device_at_size.value() / 1e9, t.spec().hbm_capacity.value() / 1e9, r.next_width,
                           r.next_height, r.device_at_next.value() / 1e9);
            return r.width > 0 ? 0 : 1;
        }
        if (plan->parsed()) {
            const inference_job j = job();
            if (!gpu_arg.empty())
                raise(errc::inconsistent, "--gpu", "plan takes its GPUs from --prices");
            std::vector<target> ts;
            std::vector<double> prices;
            for (const auto& [gpu, price] : parse_prices(prices_arg, "--prices")) {
                ts.push_back(resolve_target(gpu, cal_arg));
                prices.push_back(price);
            }
            std::vector<priced_gpu> offers;
            for (std::size_t i = 0; i < ts.size(); ++i) offers.push_back({&ts[i].spec(), &ts[i].constants(), prices[i]});
            const auto best = cheapest_fitting_gpu(j, offers);
            if (json) {
                print_json(plan_json(j, best));
                return best.gpu ? 0 : 1;
            }
            if (best.gpu == nullptr)
                fmt::print("none of the GPUs offered fits {} at this workload; try --offload model\n", j.model->name);
            else
                fmt::print("cheapest that fits: {} at {:.1f} s per video, ${:.3f} per video for {} GPU{} (price x "
                           "time x GPUs; no utilisation, reruns or queueing: see vidperf cost)\n",
                           best.gpu->slug, best.latency.value(), best.cost.value(), j.gpus(), j.gpus() > 1 ? "s" : "");
            return best.gpu ? 0 : 1;
        }
        if (cst->parsed()) {
            cost_inputs<double> in;
            std::string runtime_from = "--runtime-h";
            std::optional<likely_range> likely; // when the runtime is vidperf's estimate
            const target t = resolve_one(gpu_arg, cal_arg);
            if (!runtime_h.empty() && cst->count("--model") > 0)
                raise(errc::inconsistent, "--runtime-h", "give --runtime-h or --model, not both");
            if (cst->count("--model") > 0) {
                const inference_job j = job();
                const job_estimate e = estimate(j, t);
                in.runtime = e.latency();
                in.gpus = j.gpus();
                likely = e.likely;
                runtime_from = "vidperf estimate of " + std::string(j.model->slug) + " on " +
                               (j.gpus() > 1 ? std::to_string(j.gpus()) + " x " : std::string()) +
                               std::string(t.spec().slug) + " (" + std::string(t.constants().profile) +
                               ", implementation " + std::string(name(j.work.impl)) + ")";
            } else if (!runtime_h.empty()) {
                in.runtime = seconds(parse_real(runtime_h, "--runtime-h", 1e-9, 1e6) * units::seconds_per_hour);
                in.gpus = static_cast<double>(parse_int(vf.gpus, "--gpus", 1, 4096));
            } else {
                raise(errc::inconsistent, "--runtime-h", "give --runtime-h or --model");
            }
            in.price_per_gpu_hour = dollars(parse_real(price_s, "--price-per-hour", 0, 1e6));
            in.utilisation = parse_real(utilisation_s, "--utilisation", 1e-6, 1);
            in.reruns_per_100 = parse_real(reruns_s, "--reruns-per-100", 0, 1e4);
            in.queue_delay = seconds(parse_real(queue_s, "--queue-delay-h", 0, 1e5) * units::seconds_per_hour);
            in.value_per_hour_of_waiting = dollars(parse_real(value_s, "--value-per-hour", 0, 1e9));
            const nlohmann::json r = cost_json(t.spec().slug, in, runtime_from, likely);
            if (json) {
                print_json(r);
                return 0;
            }
            fmt::print("runtime {:.2f} h per attempt ({})\n", in.runtime.value() / 3600, runtime_from);
            fmt::print("  GPU rental ${:.2f} ({:.2f} paid GPU-hours over {} GPU{})  + waiting ${:.2f} ({:.2f} h to "
                       "delivery)  = ${:.2f} per finished job; {:.2f} jobs per GPU per day\n",
                       r["compute_dollars"].get<double>(), r["paid_gpu_hours"].get<double>(), in.gpus,
                       in.gpus > 1 ? "s" : "", r["waiting_dollars"].get<double>(), r["delivery_h"].get<double>(),
                       r["total_dollars"].get<double>(), r["jobs_per_day_per_gpu"].get<double>());
            if (likely)
                fmt::print("  likely ${:.2f}-${:.2f} per finished job (the runtime's 10th-90th percentile error on {} "
                           "published {} jobs)\n",
                           r["likely_total_dollars"]["low"].get<double>(), r["likely_total_dollars"]["high"].get<double>(),
                           likely->rows, likely->basis == "all" ? std::string("end-to-end") : std::string(likely->basis));
            fmt::print("  what matters (elasticity = % cost per % input):\n");
            for (const auto& x : r["sensitivities"])
                fmt::print("    {:<16} {:>10.3f} {:<13} {:>+6.2f}\n", x["input"].get<std::string>(),
                           x["value"].get<double>(), x["unit"].get<std::string>(), x["elasticity"].get<double>());
            return 0;
        }
        if (pool->parsed()) {
            const inference_job j = job();
            const target t = resolve_one(gpu_arg, cal_arg);
            const job_estimate e = estimate(j, t);
            const double rate = parse_real(requests_s, "--requests-per-hour", 1e-9, 1e9);
            const auto p = size_pool(rate, e.latency(), seconds(parse_real(max_wait_s, "--max-wait-s", 0, 1e9)),
                                     j.gpus());
            if (json) {
                print_json(pool_json(j, t, e, rate, p));
                return 0;
            }
            fmt::print("{} on {}{}: {:.1f} s per video; {} requests/h need {} servers = {} GPUs (utilisation {:.0f} %, "
                       "P(wait) {:.2f}, mean wait {:.1f} s, p95 wait {:.1f} s; M/M/c, Erlang C)\n",
                       j.model->name, j.gpus() > 1 ? std::to_string(j.gpus()) + " x " : std::string(), t.spec().slug,
                       e.latency().value(), rate, p.gpus / j.gpus(), p.gpus, 100 * p.utilisation, p.probability_wait,
                       p.mean_wait.value(), p.p95_wait.value());
            return 0;
        }
        if (scl->parsed()) {
            const target t = resolve_one(gpu_arg, cal_arg);
            if (scl->count("--gpus") > 0)
                raise(errc::inconsistent, "--gpus", "scale takes its GPU counts from --counts");
            inference_request base = to_request(vf);
            if (vf.parallel.empty()) base.parallel = parallel_mode::ulysses;
            std::vector<scale_row> rows;
            std::optional<inference_job> first;
            for (int n : parse_counts(counts_s, "--counts")) {
                inference_request r = base;
                r.gpus = n;
                if (n == 1 && r.parallel != parallel_mode::usp) {
                    r.parallel = parallel_mode::none;
                    r.fsdp = false; // one GPU holds the whole model
                }
                const inference_job j = make_job(resolve_model(model_arg), r);
                if (!first) first = j;
                rows.push_back({n, estimate(j, t)});
            }
            const nlohmann::json out = scale_json(*first, t, name(base.parallel), rows);
            if (json) {
                print_json(out);
                return 0;
            }
            fmt::print("{} on {} ({}), parallel {}{}\n  {:>5} {:>10} {:>11} {:>7} {:>9} {:>11} {:>14} {:>9}\n",
                       first->model->name, t.spec().slug, t.constants().profile, name(base.parallel),
                       base.fsdp ? " + fsdp" : "", "GPUs", "total s", "denoise s", "comm", "speed-up", "efficiency",
                       "bound", "peak GB");
            for (const auto& r : out["rows"])
                fmt::print("  {:>5} {:>10.1f} {:>11.1f} {:>6.0f}% {:>8.2f}x {:>10.0f}% {:>14} {:>9.1f}\n",
                           r["gpus"].get<int>(), r["latency_s"].get<double>(), r["denoiser_s"].get<double>(),
                           100 * r["communication_share"].get<double>(), r["speedup"].get<double>(),
                           100 * r["scaling_efficiency"].get<double>(), r["bound"].get<std::string>(),
                           r["per_gpu_peak_device_bytes"].get<double>() / 1e9);
            return 0;
        }
        if (trn->parsed()) {
            const auto model = resolve_model(model_arg);
            const model_spec& m = *model;
            const target tg = resolve_one(gpu_arg, cal_arg);
            video_workload w = m.standard;
            if (!train_frames.empty()) w.frames = parse_int(train_frames, "--frames", 1, 1 << 20);
            if (!train_width.empty()) w.width = parse_int(train_width, "--width", 1, 1 << 20);
            if (!train_height.empty()) w.height = parse_int(train_height, "--height", 1, 1 << 20);
            w.impl = train_impl_s.empty() ? m.standard.impl : parse<implementation>(train_impl_s, "--implementation");
            w.compute = parse<dtype>(train_dtype_s, "--dtype");
            if (w.compute != dtype::bf16 && w.compute != dtype::fp16 && w.compute != dtype::fp8_e4m3 &&
                w.compute != dtype::fp32)
                raise(errc::dtype_not_supported, "--dtype",
                              "training runs in bf16, fp16, fp8 or fp32, got '" + train_dtype_s + "'");
            w.weights = w.compute;
            w.attention = train_attention_s.empty() ? default_attention(w.impl, m.denoiser.code, m.standard.attention)
                                                    : parse<attention_kernel>(train_attention_s, "--attention");
            check_attention(w.impl, m.denoiser.code, w.attention);
            training_options t;
            t.method = parse<finetune_method>(method, "--method");
            t.lora_rank = parse_int(lora_rank_s, "--lora-rank", 1, 65536);
            t.ckpt = parse<checkpointing>(ckpt_s, "--checkpointing");
            t.optimizer = parse<optimizer_kind>(optimizer_s, "--optimizer");
            t.zero_stage = static_cast<int>(parse_int(zero_s, "--zero", 0, 3));
            t.tp = static_cast<int>(parse_int(train_tp_s, "--tp", 1, 4096));
            t.ulysses = static_cast<int>(parse_int(train_ulysses_s, "--ulysses", 1, 4096));
            t.ring = static_cast<int>(parse_int(train_ring_s, "--ring", 1, 4096));
            t.micro_batch = parse_int(micro_batch_s, "--batch", 1, 4096);
            t.comm_overlap = parse_real(overlap_s, "--comm-overlap", 0, 1);
            t.data.format = parse<sample_format>(data_s, "--data");
            if (!encoded_MB_s.empty()) t.data.encoded_bytes_per_sample = parse_real(encoded_MB_s, "--encoded-MB", 1e-6, 1e6) * 1e6;
            if (!decode_fps_s.empty()) t.data.decode_frames_per_s_per_core = parse_real(decode_fps_s, "--decode-fps-per-core", 1e-6, 1e7);
            if (t.data.format == sample_format::encoded_video && (encoded_MB_s.empty() || decode_fps_s.empty()))
                raise(errc::inconsistent, "--data encoded", "needs --encoded-MB and --decode-fps-per-core");
            t.data.cpu_cores_per_gpu = static_cast<int>(parse_int(cores_s, "--cpu-cores-per-gpu", 1, 4096));
            t.data.gpus_per_node = static_cast<int>(parse_int(gpus_per_node_s, "--gpus-per-node", 1, 4096));
            if (!storage_file.empty() && !storage_GBps_s.empty())
                raise(errc::inconsistent, "--storage-GBps", "give --storage-GBps or --storage-scaling, not both");
            if (!storage_file.empty())
                t.data.storage = load_storage_file(storage_file);
            else if (!storage_GBps_s.empty())
                t.data.storage = storage_curve{{{1, parse_real(storage_GBps_s, "--storage-GBps", 1e-6, 1e6) * 1e9}}};
            t.link = train_link_s.empty() ? (tg.spec().nvlink_bandwidth.value() > 0 ? link_kind::nvlink : link_kind::pcie)
                                          : parse<link_kind>(train_link_s, "--link");
            if (t.link == link_kind::network) {
                if (train_network_s.empty())
                    raise(errc::inconsistent, "--link network", "needs --network-GBps");
                t.network_bandwidth_Bps = parse_real(train_network_s, "--network-GBps", 1e-3, 1e5) * 1e9;
            }
            if (!train_gpus_s.empty() && !train_counts.empty())
                raise(errc::inconsistent, "--gpus", "give --gpus (one job) or --counts (a table), not both");
            const std::vector<int> counts = !train_counts.empty() ? parse_counts(train_counts, "--counts")
                                            : !train_gpus_s.empty() ? parse_counts(train_gpus_s, "--gpus")
                                                                    : std::vector<int>{1};
            if (!train_gpus_s.empty() && counts.size() != 1)
                raise(errc::inconsistent, "--gpus", "--gpus is one count; --counts takes a list");
            std::vector<training_step> rows;
            for (int n : counts) {
                t.gpus = n;
                rows.push_back(estimate_training(m, w, t, tg.spec(), tg.constants()));
            }
            if (json) {
                print_json(train_json(m, w, tg, counts, rows));
                return 0;
            }
            note_fallback(tg);
            const auto& r0 = rows[0];
            fmt::print("{} fine-tuning ({}{}, checkpointing {}, {}, ZeRO {}, {}, attention {}) on {}: {}x{} x {} "
                       "frames, {} per GPU; data: {}; implementation {}\n",
                       m.name, name(t.method), t.method == finetune_method::lora ? " r" + std::to_string(t.lora_rank) : "",
                       name(t.ckpt), name(t.optimizer), t.zero_stage, name(w.compute), name(w.attention),
                       tg.spec().slug, w.width, w.height, w.frames, t.micro_batch, name(t.data.format), name(w.impl));
            fmt::print("  trainable {:.3g} of {:.3g} parameters; memory per GPU {:.1f} GB (weights {:.1f}, master "
                       "{:.1f}, grads {:.1f}, optimizer {:.1f}, saved activations {:.1f}, working {:.1f}) {}\n",
                       r0.trainable_parameters, r0.total_parameters, r0.memory.total.value() / 1e9,
                       r0.memory.weights.value() / 1e9, r0.memory.master_weights.value() / 1e9,
                       r0.memory.gradients.value() / 1e9, r0.memory.optimizer_states.value() / 1e9,
                       r0.memory.saved_activations.value() / 1e9, r0.memory.working.value() / 1e9,
                       r0.fits ? "fits" : "DOES NOT FIT");
            fmt::print("  {:>5} {:>9} {:>11} {:>9} {:>9} {:>9} {:>9} {:>10} {:>9} {:>10} {:>13}\n", "GPUs", "step s",
                       "likely s", "compute", "comm", "exposed", "input", "samples/s", "speed-up", "efficiency", "bound");
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const auto& r = rows[i];
                const double speedup = r.samples_per_second / rows[0].samples_per_second;
                fmt::print("  {:>5} {:>9.2f} {:>11} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f} {:>10.3f} {:>8.2f}x {:>9.0f}% {:>13}\n",
                           counts[i], r.step.value(), range_text(likely_range_of(r.step.value(), tg.spec().architecture)),
                           (r.encode + r.forward + r.backward + r.recompute + r.optimizer).value(),
                           r.communication.value(), r.exposed_communication.value(), r.input.value(),
                           r.samples_per_second, speedup, 100 * speedup * counts[0] / counts[i], name(r.bound));
            }
            fmt::print("  likely: the 10th-90th percentile error band of published inference jobs on this GPU class; no "
                       "published training step is in the validation set yet\n");
            return 0;
        }

        // ---- op: one GPU gives the full breakdown; several (comma-separated) a comparison table
        vidperf::op the_op;
        std::string op_name;
        nlohmann::json shape;
        const extent big = 1LL << 40;
        if (op_gemm->parsed()) {
            gemm_op g;
            g.m = parse_int(m_s, "--m", 1, big);
            g.n = parse_int(n_s, "--n", 1, big);
            g.k = parse_int(k_s, "--k", 1, big);
            g.batch = parse_int(batch_s, "--batch", 1, big);
            g.a = g.b = g.c = parse<dtype>(dtype_s, "--dtype");
            if (g.a == dtype::fp8_e4m3 || g.a == dtype::fp8_e5m2 || g.a == dtype::int8 || g.a == dtype::int4)
                g.c = dtype::bf16; // low-precision GEMMs write a wider output
            (void)cost(g); // validates sizes before any GPU is looked at
            the_op = g;
            op_name = "gemm";
            shape = {{"m", g.m}, {"n", g.n}, {"k", g.k}, {"batch", g.batch}, {"dtype", name(g.a)}};
        } else if (op_att->parsed()) {
            attention_op a;
            a.batch = parse_int(batch_s, "--batch", 1, big);
            a.heads_q = parse_int(heads_s, "--heads", 1, 1 << 20);
            if (!kv_heads_s.empty()) a.heads_kv = parse_int(kv_heads_s, "--kv-heads", 1, 1 << 20);
            a.seq_q = parse_int(seq_s, "--seq", 1, big);
            if (!kv_seq_s.empty()) a.seq_kv = parse_int(kv_seq_s, "--kv-seq", 1, big);
            a.head_dim = parse_int(head_dim_s, "--head-dim", 1, 1 << 16);
            a.causal = causal;
            a.type = parse<dtype>(dtype_s, "--dtype");
            a.direction = backward ? pass::backward : pass::forward;
            a.kernel = parse<attention_kernel>(kernel_s, "--kernel");
            (void)cost(a); // validates before any GPU is looked at
            const auto r = resolved(a);
            the_op = a;
            op_name = "attention";
            shape = {{"batch", a.batch},   {"heads", a.heads_q},       {"kv_heads", r.heads_kv},
                     {"seq", a.seq_q},     {"kv_seq", r.seq_kv},       {"head_dim", a.head_dim},
                     {"causal", a.causal}, {"kernel", name(a.kernel)}, {"pass", name(a.direction)},
                     {"dtype", name(a.type)}};
        } else if (op_copy->parsed()) {
            copy_op cp;
            cp.bytes = parse_int(bytes_s, "--bytes", 1, big);
            cp.kind = parse<copy_kind>(copy_kind_s, "--kind");
            cp.pinned = !pageable;
            the_op = cp;
            op_name = "copy";
            shape = {{"bytes", cp.bytes}, {"kind", name(cp.kind)}, {"pinned", cp.pinned}};
        }
        const std::vector<target> targets = resolve_targets(gpu_arg, cal_arg);
        std::vector<prediction<double>> results;
        results.reserve(targets.size());
        for (const auto& t : targets) results.push_back(predict(the_op, t.spec(), t.constants()));
        if (json)
            print_json(targets.size() == 1 ? op_result_json(op_name, shape, targets[0], results[0])
                                           : op_compare_json(op_name, shape, targets, results));
        else if (targets.size() == 1)
            print_op(op_name, shape, targets[0], results[0]);
        else
            print_op_comparison(op_name, shape, targets, results);
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
