// vidperf: the command-line face of the library, a thin shell: flags -> job (pipeline/job.hpp) -> the
// library's estimate -> a printer (text here, JSON from io/results_json.hpp).
//   vidperf list gpus|models|calibration ...
//   vidperf op gemm|attention|copy ... --gpu SLUG[,SLUG...]
//   vidperf estimate|compare|shapes|max-frames|max-resolution|plan|cost|pool|scale|train ...
// Flags mean the same everywhere: --gpu names GPU types (a comma-separated list where the command compares
// them), --gpus is the GPU count of one job, --counts a list of GPU counts.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <vidperf/io/results_json.hpp>
#include <vidperf/pipeline/setup.hpp>
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
        fmt::print("{:<17} {:<22} {:<5} {:<18} {:>9} {:>22}\n", m.slug, m.name.substr(0, 22), name(m.task),
                   name(m.denoiser.family),
                   fmt::format("{}{:.2f}B", m.experts.two_experts ? "2x" : "", denoiser_parameters(m) / 1e9),
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

/// A flag given an empty value (`--frames ""`) is refused, never read as "not given" (the flags' variables use
/// the empty string for that).
void refuse_empty_values(const CLI::App& sc) {
    for (const CLI::Option* o : sc.get_options()) {
        if (o->count() == 0 || o->get_expected_max() == 0) continue; // not given, or a flag without a value
        for (const std::string& v : o->results())
            if (v.empty())
                raise(errc::inconsistent, o->get_name(), "empty value ''; give a value or leave the flag out");
    }
    for (const CLI::App* sub : sc.get_subcommands()) refuse_empty_values(*sub);
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

    bool csv = false;
    auto csv_flag = [&](CLI::App* sc) { sc->add_flag("--csv", csv, "CSV output (one row per table row)"); };
    std::vector<std::string> setup_args;
    bool best = false;
    auto setup_flags = [&](CLI::App* sc) {
        sc->add_option("--setup", setup_args,
                       "GPU=kernel,dtype: how that GPU runs the job (--setup h100-sxm5-80gb=fa3,fp8); repeatable");
        sc->add_flag("--best-setup", best,
                     "each GPU with the fastest attention kernel and dtype it supports (said in the output)");
    };
    auto* cmp = app.add_subcommand("compare", "one video job on several GPU types, with speed-ups over the first");
    cmp->add_option("--model", model_arg, "model preset or a diffusers model folder")->default_str("wan2.1-t2v-14b");
    cmp->add_option("--gpu", gpu_arg, "comma-separated GPU slugs or files")
        ->default_str("a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb");
    calibration_option(cmp);
    add_video_flags(cmp, vf);
    setup_flags(cmp);
    json_flag(cmp);
    csv_flag(cmp);

    auto* mf = job_command("max-frames", "the largest frame count that fits on a GPU");
    json_flag(mf);
    auto* mr = job_command("max-resolution", "the largest size at the workload's aspect ratio that fits");
    json_flag(mr);

    std::string prices_arg;
    auto* plan = job_command("plan", "the cheapest GPU that fits a job, at prices you give", false);
    plan->add_option("--prices", prices_arg, "GPU=dollars per GPU-hour, comma-separated (a100-sxm4-80gb=1.5,...)")
        ->required();
    setup_flags(plan);
    json_flag(plan);

    std::string runtime_h, price_s, utilisation_s = "1", reruns_s = "0", queue_s = "0", value_s = "0", kwh_s;
    auto* cst = app.add_subcommand("cost", "cost per finished job on one or several GPUs: rental, reruns, "
                                           "utilisation, waiting, energy, break-even prices");
    cst->add_option("--gpu", gpu_arg, "GPU slug or file; several, comma-separated: a side-by-side worksheet")->required();
    cst->add_option("--runtime-h", runtime_h, "runtime of one attempt in hours, one per GPU (or give --model)");
    cst->add_option("--model", model_arg, "estimate the runtime of this model's job on each --gpu");
    cst->add_option("--price-per-hour", price_s, "dollars per GPU-hour, one per GPU (or one for all)")->required();
    cst->add_option("--price-per-kwh", kwh_s, "electricity price: adds the energy at each GPU's board power");
    setup_flags(cst);
    csv_flag(cst);
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
    csv_flag(scl);

    std::string rec_counts = "1", videos_per_hour_s, deadline_s, gpus_available_s, rec_util = "1", rec_reruns = "0",
                rec_queue = "0";
    auto* rec = job_command("recommend",
                            "the GPU, count and set-up to rent: every offered GPU x count ranked by cost per finished "
                            "job, with the reason",
                            false);
    rec->add_option("--prices", prices_arg, "GPU=dollars per GPU-hour, comma-separated")->required();
    rec->add_option("--counts", rec_counts, "GPUs per job to consider, comma-separated (default 1)");
    rec->add_option("--utilisation", rec_util, "useful share of paid time, (0, 1]")->default_str("1");
    rec->add_option("--reruns-per-100", rec_reruns, "failed attempts per 100 jobs")->default_str("0");
    rec->add_option("--queue-delay-h", rec_queue, "hours waiting before a job starts")->default_str("0");
    rec->add_option("--videos-per-hour", videos_per_hour_s, "throughput target: replicas run side by side");
    rec->add_option("--deadline-s", deadline_s, "one video must finish within this many seconds");
    rec->add_option("--gpus-available", gpus_available_s, "GPUs of each type you can get");
    setup_flags(rec);
    json_flag(rec);
    csv_flag(rec);

    std::string over_s, format_s = "text";
    auto* swp = job_command("sweep", "one job over a range of frames, sizes, steps, batch or GPU count, on one or "
                                     "several GPUs: one row per point");
    swp->add_option("--over", over_s,
                    "frames=33:161:16 | steps=10:50:10 | batch=1:4:1 | gpus=1,2,4,8 | resolution=832x480,1280x720 "
                    "(start:stop:step or a comma-separated list)")
        ->required();
    swp->add_option("--format", format_s, "text | csv | jsonl")->default_str("text");
    setup_flags(swp);

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
    std::string dataset_s, epochs_s, run_steps_s, train_price_s;
    trn->add_option("--dataset-videos", dataset_s, "clips in the training set (a whole run: with --epochs)");
    trn->add_option("--epochs", epochs_s, "passes over the training set");
    trn->add_option("--steps", run_steps_s, "optimizer steps of the run (instead of --dataset-videos --epochs)");
    trn->add_option("--price-per-hour", train_price_s, "dollars per GPU-hour: the run's cost");
    add_implementation_flag(trn, train_impl_s);
    calibration_option(trn);
    json_flag(trn);
    csv_flag(trn);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 checks required subcommands and flags before the words it could not place: `vidperf frob` or
        // `op gemm --mm 1` would say only "A subcommand is required" or "--m is required"; name the words
        std::vector<std::string> extra = app.remaining(true);
        std::reverse(extra.begin(), extra.end()); // CLI11 keeps them last word first
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !extra.empty())
            return app.exit(CLI::ExtrasError(extra));
        return app.exit(e);
    }

    try {
        refuse_empty_values(app);
        if (list_g->parsed()) return list_gpus(json);
        if (list_c->parsed()) return list_calibration(resolve_one(gpu_arg, cal_arg), json);
        if (list_m->parsed()) return list_models(json);

        std::shared_ptr<const model_spec> resolved_model; // a diffusers folder is read once, on first use
        auto model = [&] {
            if (!resolved_model) resolved_model = resolve_model(model_arg);
            return resolved_model;
        };
        auto job = [&] { return make_job(model(), to_request(vf)); };

        // set-ups per GPU (--setup GPU=kernel,dtype), or the fastest each GPU supports (--best-setup)
        std::map<std::string, setup, std::less<>> setups;
        for (const auto& a : setup_args) {
            const auto eq = a.find('=');
            if (eq == std::string::npos || eq == 0)
                raise(errc::inconsistent, "--setup", "'" + a + "' must be GPU=kernel,dtype (h100-sxm5-80gb=fa3,fp8)");
            const std::string slug(resolve_gpu(a.substr(0, eq)).spec.slug);
            if (setups.count(slug) > 0)
                raise(errc::inconsistent, "--setup", "GPU '" + slug + "' has a set-up twice; give one --setup per GPU");
            setups[slug] = parse_setup(a.substr(eq + 1), "--setup " + a.substr(0, eq));
        }
        if (best && !setups.empty())
            raise(errc::inconsistent, "--best-setup", "--best-setup and --setup exclude each other");
        auto check_setups = [&](const std::vector<target>& ts) {
            for (const auto& entry : setups) {
                const std::string& slug = entry.first; // a named reference: clang 14 cannot capture a structured binding
                if (std::none_of(ts.begin(), ts.end(), [&](const target& t) { return t.spec().slug == slug; }))
                    raise(errc::inconsistent, "--setup", "GPU '" + slug + "' is not one of the GPUs asked for");
            }
        };
        // the job on one GPU as the set-ups say
        auto run_on = [&](const target& t, const inference_request& r) -> std::pair<inference_job, job_estimate> {
            if (best) {
                auto b = best_setup(model(), r, t.spec(), t.constants());
                return {std::move(b.job), std::move(b.estimate)};
            }
            const auto it = setups.find(t.spec().slug);
            inference_job j = make_job(model(), it == setups.end() ? r : with_setup(r, it->second));
            job_estimate e = estimate(j, t);
            return {std::move(j), std::move(e)};
        };
        // the GPUs and prices of --prices (plan, recommend), checked against --setup
        auto priced_targets = [&](const char* command) {
            if (!gpu_arg.empty())
                raise(errc::inconsistent, "--gpu", std::string(command) + " takes its GPUs from --prices");
            std::pair<std::vector<target>, std::vector<double>> out;
            for (const auto& [gpu, price] : parse_prices(prices_arg, "--prices")) {
                out.first.push_back(resolve_target(gpu, cal_arg));
                out.second.push_back(price);
                const std::string_view slug = out.first.back().spec().slug;
                for (std::size_t i = 0; i + 1 < out.first.size(); ++i)
                    if (out.first[i].spec().slug == slug)
                        raise(errc::inconsistent, "--prices",
                              "GPU '" + std::string(slug) + "' is priced twice; give one price per GPU");
            }
            check_setups(out.first);
            return out;
        };
        // `fastest`: a GPU without --setup runs its fastest set-up; else the set-up the flags say
        auto offers_of = [&](const std::vector<target>& ts, const std::vector<double>& prices, bool fastest) {
            std::vector<gpu_offer> offers;
            for (std::size_t i = 0; i < ts.size(); ++i) {
                gpu_offer o{&ts[i].spec(), &ts[i].constants(), prices[i], std::nullopt};
                if (const auto it = setups.find(ts[i].spec().slug); it != setups.end()) o.given_setup = it->second;
                else if (!fastest) o.given_setup = setup{};
                offers.push_back(o);
            }
            return offers;
        };

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
            const std::vector<target> ts =
                resolve_targets(gpu_arg.empty() ? std::string("a100-sxm4-80gb,h100-sxm5-80gb,h200-sxm-141gb") : gpu_arg,
                                cal_arg);
            check_setups(ts);
            const inference_request r = to_request(vf);
            std::vector<inference_job> js;
            std::vector<job_estimate> es;
            for (const auto& t : ts) {
                auto [j, e] = run_on(t, r);
                js.push_back(std::move(j));
                es.push_back(std::move(e));
            }
            const nlohmann::json doc = compare_json(js, ts, es);
            if (json) {
                print_json(doc);
            } else if (csv) {
                nlohmann::json rows = nlohmann::json::array();
                for (std::size_t i = 0; i < es.size(); ++i)
                    rows.push_back({{"gpu", ts[i].spec().slug},
                                    {"calibration", ts[i].constants().profile},
                                    {"setup", setup_text(js[i])},
                                    {"latency_s", es[i].latency().value()},
                                    {"likely_low_s", es[i].likely.low},
                                    {"likely_high_s", es[i].likely.high},
                                    {"denoiser_s", es[i].stage_latency(stage_kind::denoiser).value()},
                                    {"vae_decode_s", es[i].stage_latency(stage_kind::vae_decode).value()},
                                    {"peak_device_gb", es[i].pipeline.memory.device_total.value() / 1e9},
                                    {"fits", es[i].pipeline.fits},
                                    {"speedup_vs_first", es[0].latency().value() / es[i].latency().value()}});
                std::cout << csv_of(rows, {"gpu", "calibration", "setup", "latency_s"});
            } else {
                print_compare(js, ts, es, best);
            }
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
            else if (r.search_limit_reached)
                fmt::print("{} at {}x{} on {} (offload {}): at least {} frames ({:.1f} GB of {:.0f} GB); the search "
                           "stops there, and {} frames still fit ({:.1f} GB)\n",
                           j.model->name, j.work.width, j.work.height, t.spec().name, name(j.pipeline.offload),
                           r.frames, r.device_at_frames.value() / 1e9, t.spec().hbm_capacity.value() / 1e9,
                           r.next_frames, r.device_at_next.value() / 1e9);
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
            else if (r.search_limit_reached)
                fmt::print("{} x {} frames on {} (offload {}): at least {}x{} ({:.1f} GB of {:.0f} GB); the search "
                           "stops there, and {}x{} still fits ({:.1f} GB)\n",
                           j.model->name, j.work.frames, t.spec().name, name(j.pipeline.offload), r.width, r.height,
                           r.device_at_size.value() / 1e9, t.spec().hbm_capacity.value() / 1e9, r.next_width,
                           r.next_height, r.device_at_next.value() / 1e9);
            else
                fmt::print("{} x {} frames on {} (offload {}): at most {}x{} ({:.1f} GB of {:.0f} GB); {}x{} needs "
                           "{:.1f} GB\n",
                           j.model->name, j.work.frames, t.spec().name, name(j.pipeline.offload), r.width, r.height,
                           r.device_at_size.value() / 1e9, t.spec().hbm_capacity.value() / 1e9, r.next_width,
                           r.next_height, r.device_at_next.value() / 1e9);
            return r.width > 0 ? 0 : 1;
        }
        if (plan->parsed()) {
            const inference_request r = to_request(vf);
            const auto [ts, prices] = priced_targets("plan");
            recommend_options o;
            o.counts = {r.gpus};
            o.parallel = r.parallel;
            const auto rows = recommend(model(), r, offers_of(ts, prices, best), o);
            const recommendation* top = !rows.empty() && rows.front().feasible ? &rows.front() : nullptr;
            gpu_choice choice;
            if (top) choice = {top->gpu, top->estimate->latency(), top->cost.compute, top->estimate->pipeline.memory.device_total};
            const std::string model_name(top ? top->job->model->name : model()->name);
            if (json) {
                nlohmann::json out = plan_json(top ? *top->job : job(), choice);
                out["setup"] = top ? nlohmann::json(top->setup) : nlohmann::json(nullptr);
                print_json(out);
                return top ? 0 : 1;
            }
            if (top == nullptr)
                fmt::print("none of the GPUs offered fits {} at this workload; try --offload model\n", model_name);
            else
                fmt::print("cheapest that fits: {} ({}) at {:.1f} s per video, ${:.3f} per video for {} GPU{} (price x "
                           "time x GPUs; no utilisation, reruns or queueing: see vidperf cost or recommend)\n",
                           top->gpu->slug, top->setup, top->estimate->latency().value(), top->cost.compute.value(),
                           r.gpus, r.gpus > 1 ? "s" : "");
            return top ? 0 : 1;
        }
        if (cst->parsed()) {
            const std::vector<target> ts = resolve_targets(gpu_arg, cal_arg);
            check_setups(ts);
            const bool from_model = cst->count("--model") > 0;
            if (!runtime_h.empty() && from_model)
                raise(errc::inconsistent, "--runtime-h", "give --runtime-h or --model, not both");
            if (runtime_h.empty() && !from_model) raise(errc::inconsistent, "--runtime-h", "give --runtime-h or --model");
            auto per_gpu = [&](const std::string& text, const char* flag, double lo, double hi) {
                std::vector<double> v;
                for (const auto& item : split_list(text, flag)) v.push_back(parse_real(item, flag, lo, hi));
                if (v.size() == 1) v.resize(ts.size(), v.front());
                if (v.size() != ts.size())
                    raise(errc::inconsistent, flag,
                          "give one value per GPU (" + std::to_string(ts.size()) + ") or one for all, got " +
                              std::to_string(v.size()));
                return v;
            };
            const std::vector<double> prices = per_gpu(price_s, "--price-per-hour", 0, 1e6);
            std::vector<cost_inputs<double>> columns;
            std::vector<std::string> names, from;
            std::vector<std::optional<likely_range>> likely;
            const std::vector<double> hours =
                from_model ? std::vector<double>(ts.size(), 0.0) : per_gpu(runtime_h, "--runtime-h", 1e-9, 1e6);
            const inference_request r = to_request(vf);
            // the inputs every column shares
            cost_inputs<double> shared;
            shared.utilisation = parse_real(utilisation_s, "--utilisation", 1e-6, 1);
            shared.reruns_per_100 = parse_real(reruns_s, "--reruns-per-100", 0, 1e4);
            shared.queue_delay = seconds(parse_real(queue_s, "--queue-delay-h", 0, 1e5) * units::seconds_per_hour);
            shared.value_per_hour_of_waiting = dollars(parse_real(value_s, "--value-per-hour", 0, 1e9));
            if (!kwh_s.empty()) shared.price_per_kwh = dollars(parse_real(kwh_s, "--price-per-kwh", 0, 1e3));
            for (std::size_t i = 0; i < ts.size(); ++i) {
                cost_inputs<double> in = shared;
                if (from_model) {
                    const auto [j, e] = run_on(ts[i], r);
                    in.runtime = e.latency();
                    in.gpus = j.gpus();
                    likely.emplace_back(e.likely);
                    from.push_back("vidperf estimate of " + std::string(j.model->slug) + " on " +
                                   (j.gpus() > 1 ? std::to_string(j.gpus()) + " x " : std::string()) +
                                   std::string(ts[i].spec().slug) + " (" + std::string(ts[i].constants().profile) +
                                   ", " + setup_text(j) + ", implementation " + std::string(name(j.work.impl)) + ")");
                } else {
                    in.runtime = seconds(hours[i] * units::seconds_per_hour);
                    in.gpus = static_cast<double>(parse_int(vf.gpus, "--gpus", 1, 4096));
                    likely.emplace_back(std::nullopt);
                    from.emplace_back("--runtime-h");
                }
                in.price_per_gpu_hour = dollars(prices[i]);
                if (!kwh_s.empty()) in.board_power_watts = ts[i].spec().tdp_watts;
                columns.push_back(in);
                names.emplace_back(ts[i].spec().slug);
            }
            const auto rows = cost_worksheet(columns);
            if (ts.size() == 1 && !csv) {
                const nlohmann::json one = cost_json(names[0], columns[0], from[0], likely[0]);
                if (json) {
                    print_json(one);
                    return 0;
                }
                print_cost(one, columns[0], likely[0]);
                return 0;
            }
            const nlohmann::json doc = worksheet_json(names, rows, from);
            if (json)
                print_json(doc);
            else if (csv)
                std::cout << csv_of(doc["columns"], {"gpu", "gpus_per_job", "runtime_s", "price_per_gpu_hour"});
            else
                print_worksheet(names, rows, from);
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
                const inference_job j = make_job(model(), r);
                if (!first) first = j;
                rows.push_back({n, estimate(j, t)});
            }
            const nlohmann::json out = scale_json(*first, t, name(base.parallel), rows);
            if (json) {
                print_json(out);
                return 0;
            }
            if (csv) {
                std::cout << csv_of(out["rows"], {"gpus", "latency_s", "speedup", "scaling_efficiency"});
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
        if (rec->parsed()) {
            const inference_request r = to_request(vf);
            const auto [ts, prices] = priced_targets("recommend");
            recommend_options o;
            o.counts = parse_counts(rec_counts, "--counts");
            if (r.parallel != parallel_mode::none) o.parallel = r.parallel;
            if (r.gpus != 1) raise(errc::inconsistent, "--gpus", "recommend takes its GPU counts from --counts");
            o.utilisation = parse_real(rec_util, "--utilisation", 1e-6, 1);
            o.reruns_per_100 = parse_real(rec_reruns, "--reruns-per-100", 0, 1e4);
            o.queue_delay_h = parse_real(rec_queue, "--queue-delay-h", 0, 1e5);
            if (!videos_per_hour_s.empty()) o.videos_per_hour = parse_real(videos_per_hour_s, "--videos-per-hour", 1e-9, 1e9);
            if (!deadline_s.empty()) o.deadline_s = parse_real(deadline_s, "--deadline-s", 1e-6, 1e9);
            if (!gpus_available_s.empty())
                o.gpus_available = static_cast<int>(parse_int(gpus_available_s, "--gpus-available", 1, 1 << 20));
            // without --setup, recommend compares each GPU at its fastest set-up
            const auto rows = recommend(model(), r, offers_of(ts, prices, best || setups.empty()), o);
            const nlohmann::json doc = recommend_json(*model(), rows);
            if (json)
                print_json(doc);
            else if (csv)
                std::cout << csv_of(doc["rows"], {"rank", "gpu", "gpus_per_job", "setup", "feasible"});
            else
                print_recommend(*model(), rows, o);
            return !rows.empty() && rows.front().feasible ? 0 : 1;
        }
        if (swp->parsed()) {
            const std::vector<target> ts = resolve_targets(gpu_arg, cal_arg);
            check_setups(ts);
            if (format_s != "text" && format_s != "csv" && format_s != "jsonl")
                raise(errc::unknown_name, "--format", "unknown format '" + format_s + "'; known: text csv jsonl");
            const auto eq = over_s.find('=');
            if (eq == std::string::npos || eq == 0)
                raise(errc::inconsistent, "--over", "'" + over_s + "' must be name=values (frames=33:161:16)");
            const std::string what = over_s.substr(0, eq);
            const std::string values = over_s.substr(eq + 1);
            const std::vector<std::string> points = sweep_points(what, values);
            const inference_request base = to_request(vf);
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& t : ts)
                for (const auto& point : points) {
                    inference_request r = base;
                    apply_sweep_point(r, what, point);
                    nlohmann::json row = {{"gpu", t.spec().slug}, {what, point}};
                    try {
                        const auto [j, e] = run_on(t, r);
                        row.update({{"setup", setup_text(j)},
                                    {"latency_s", e.latency().value()},
                                    {"likely_low_s", e.likely.low},
                                    {"likely_high_s", e.likely.high},
                                    {"peak_device_gb", e.pipeline.memory.device_total.value() / 1e9},
                                    {"fits", e.pipeline.fits},
                                    {"bound", name(e.bound())},
                                    {"error", ""}});
                    } catch (const error& err) {
                        row.update({{"setup", ""}, {"latency_s", nullptr}, {"likely_low_s", nullptr},
                                    {"likely_high_s", nullptr}, {"peak_device_gb", nullptr}, {"fits", false},
                                    {"bound", ""}, {"error", err.what()}});
                    }
                    rows.push_back(std::move(row));
                }
            if (format_s == "csv")
                std::cout << csv_of(rows, {"gpu", what, "setup", "latency_s", "likely_low_s", "likely_high_s"});
            else if (format_s == "jsonl")
                for (const auto& row : rows) std::cout << row.dump() << '\n';
            else
                print_sweep(what, rows);
            return 0;
        }
        if (trn->parsed()) {
            const model_spec& m = *model();
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
            std::vector<training_run> runs;
            const bool whole_run = !dataset_s.empty() || !epochs_s.empty() || !run_steps_s.empty();
            auto opt_real = [](const std::string& v, const char* flag, double lo, double hi) {
                return v.empty() ? std::optional<double>() : std::optional<double>(parse_real(v, flag, lo, hi));
            };
            auto opt_count = [](const std::string& v, const char* flag) { // videos and steps are counted
                return v.empty() ? std::optional<double>()
                                 : std::optional<double>(static_cast<double>(parse_int(v, flag, 1, 1'000'000'000'000)));
            };
            const auto dataset = opt_count(dataset_s, "--dataset-videos");
            const auto epochs = opt_real(epochs_s, "--epochs", 1e-6, 1e6);
            const auto steps = opt_count(run_steps_s, "--steps");
            const auto price = opt_real(train_price_s, "--price-per-hour", 0, 1e6);
            if (steps && (dataset || epochs))
                raise(errc::inconsistent, "--steps", "give --steps or --dataset-videos with --epochs, not both");
            if (price && !whole_run)
                raise(errc::inconsistent, "--price-per-hour", "a run's cost needs --dataset-videos --epochs or --steps");
            for (int n : counts) {
                t.gpus = n;
                rows.push_back(estimate_training(m, w, t, tg.spec(), tg.constants()));
                if (whole_run) runs.push_back(run_of(rows.back(), t, dataset, epochs, steps));
            }
            nlohmann::json doc = train_json(m, w, tg, counts, rows);
            for (std::size_t i = 0; i < runs.size(); ++i) {
                doc["rows"][i]["run_steps"] = runs[i].steps;
                doc["rows"][i]["run_hours"] = runs[i].wall.value() / 3600;
                doc["rows"][i]["run_gpu_hours"] = runs[i].gpu_hours;
                if (price) doc["rows"][i]["run_dollars"] = runs[i].gpu_hours * *price;
            }
            if (json) {
                print_json(doc);
                return 0;
            }
            if (csv) {
                nlohmann::json flat = nlohmann::json::array();
                for (auto row : doc["rows"]) {
                    row["likely_low_s"] = row["likely_step_s"]["low"];
                    row["likely_high_s"] = row["likely_step_s"]["high"];
                    row.erase("likely_step_s");
                    flat.push_back(row);
                }
                std::cout << csv_of(flat, {"gpus", "step_s", "samples_per_s", "speedup"});
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
            if (whole_run) {
                fmt::print("  whole run ({}):\n", steps ? fmt::format("{:.0f} steps", *steps)
                                                        : fmt::format("{:.0f} videos x {:g} epochs", *dataset, *epochs));
                fmt::print("  {:>5} {:>10} {:>10} {:>12}{}\n", "GPUs", "steps", "hours", "GPU-hours",
                           price ? fmt::format(" {:>12}", "cost $") : std::string());
                for (std::size_t i = 0; i < runs.size(); ++i)
                    fmt::print("  {:>5} {:>10.0f} {:>10.1f} {:>12.1f}{}\n", counts[i], runs[i].steps,
                               runs[i].wall.value() / 3600, runs[i].gpu_hours,
                               price ? fmt::format(" {:>12.2f}", runs[i].gpu_hours * *price) : std::string());
            }
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
    } catch (const std::exception& e) {
        // a reader that let a library exception through (a wrongly typed JSON field, a filesystem error):
        // still a refusal with the reason, never an abort
        std::cerr << "vidperf: cannot continue: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
