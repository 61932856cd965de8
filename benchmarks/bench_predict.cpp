// Cost of one prediction: what a scheduler pays per placement decision.
// Compare the rows of one run: BM_cost_gemm (FLOP/byte count only) is the
// floor; BM_predict_* add the roofline with calibration lookups.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <string_view>

#include <vidperf/models/presets.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/vidperf.hpp>

namespace {

using namespace vidperf;

const gpu_spec& h100() { return find_gpu("h100-sxm5-80gb"); }
const calibration& lit() { return find_literature("h100-sxm5-80gb"); }

void BM_cost_gemm(benchmark::State& state) {
    gemm_op g{8192, 8192, 8192};
    for (auto _ : state) {
        benchmark::DoNotOptimize(g);
        auto c = cost(g);
        benchmark::DoNotOptimize(c);
        g.m += 1 - 2 * (g.m & 1); // vary the input so nothing is hoisted
    }
}
BENCHMARK(BM_cost_gemm);

/// Predicts `g` under `cal` once per iteration, varying m by one so nothing is hoisted.
void predict_gemm_loop(benchmark::State& state, gemm_op g, const calibration& cal) {
    const auto& gpu = h100();
    for (auto _ : state) {
        benchmark::DoNotOptimize(g);
        auto p = predict(g, gpu, cal);
        benchmark::DoNotOptimize(p);
        g.m += 1 - 2 * (g.m & 1);
    }
}

void BM_predict_gemm_literature(benchmark::State& state) { predict_gemm_loop(state, gemm_op{8192, 8192, 8192}, lit()); }
BENCHMARK(BM_predict_gemm_literature);

// an FP32 GEMM with a thin output: the SIMT path (its own k ramp and the tile's operand reuse)
void BM_predict_gemm_fp32_literature(benchmark::State& state) {
    gemm_op g{8192, 64, 8192};
    g.a = g.b = g.c = dtype::fp32;
    predict_gemm_loop(state, g, lit());
}
BENCHMARK(BM_predict_gemm_fp32_literature);

void BM_predict_gemm_datasheet(benchmark::State& state) {
    predict_gemm_loop(state, gemm_op{8192, 8192, 8192}, datasheet_calibration);
}
BENCHMARK(BM_predict_gemm_datasheet);

void BM_predict_attention_literature(benchmark::State& state) {
    const auto& gpu = h100();
    const auto& cal = lit();
    attention_op a;
    a.heads_q = 40;
    a.seq_q = 75600;
    a.head_dim = 128;
    a.kernel = attention_kernel::fa3;
    for (auto _ : state) {
        benchmark::DoNotOptimize(a);
        auto p = predict(a, gpu, cal);
        benchmark::DoNotOptimize(p);
        a.seq_q += 1 - 2 * (a.seq_q & 1);
    }
}
BENCHMARK(BM_predict_attention_literature);

void BM_predict_conv3d_literature(benchmark::State& state) {
    const auto& gpu = h100();
    const auto& cal = lit();
    conv_op c;
    c.c_in = 512;
    c.c_out = 512;
    c.input = {21, 90, 160};
    c.kernel = {3, 3, 3};
    c.pad_before = {2, 1, 1};
    c.pad_after = {0, 1, 1};
    for (auto _ : state) {
        benchmark::DoNotOptimize(c);
        auto p = predict(c, gpu, cal);
        benchmark::DoNotOptimize(p);
        c.c_out += 1 - 2 * (c.c_out & 1);
    }
}
BENCHMARK(BM_predict_conv3d_literature);

// A LayerNorm over Wan 14B's tokens, priced with and without its row length: the
// pair's ratio is what the L1 spill term costs per norm. Softmax rows of one and of
// two vectorised strides: the single-stride test and ratio on top of the spill term.
void predict_row_kernel(benchmark::State& state, pointwise_kind kind, extent row) {
    const auto& gpu = h100();
    const auto& cal = lit();
    pointwise_op p;
    p.kind = kind;
    p.elements = 75600 * 5120;
    p.param_elements = kind == pointwise_kind::layernorm ? 2 * 5120 : 0;
    p.row_length = row;
    for (auto _ : state) {
        benchmark::DoNotOptimize(p);
        auto r = predict(p, gpu, cal);
        benchmark::DoNotOptimize(r);
        p.elements += 1 - 2 * (p.elements & 1);
    }
}
void BM_predict_layernorm_row(benchmark::State& state) { predict_row_kernel(state, pointwise_kind::layernorm, 5120); }
void BM_predict_layernorm_no_row(benchmark::State& state) { predict_row_kernel(state, pointwise_kind::layernorm, 0); }
void BM_predict_softmax_single_stride(benchmark::State& state) {
    predict_row_kernel(state, pointwise_kind::softmax, 3072);
}
void BM_predict_softmax_two_strides(benchmark::State& state) {
    predict_row_kernel(state, pointwise_kind::softmax, 4096);
}
BENCHMARK(BM_predict_layernorm_row);
BENCHMARK(BM_predict_layernorm_no_row);
BENCHMARK(BM_predict_softmax_single_stride);
BENCHMARK(BM_predict_softmax_two_strides);

void BM_predict_op_variant(benchmark::State& state) {
    const auto& gpu = h100();
    const auto& cal = lit();
    op o = gemm_op{4096, 5120, 5120};
    for (auto _ : state) {
        benchmark::DoNotOptimize(o);
        auto p = predict(o, gpu, cal);
        benchmark::DoNotOptimize(p);
    }
}
BENCHMARK(BM_predict_op_variant);

void BM_find_gpu_by_slug(benchmark::State& state) {
    // cycle through slugs held in memory so the lookup cannot be folded at compile time
    std::array<std::string, 3> slugs{"a100-sxm4-80gb", "h200-sxm-141gb", "mi300x-192gb"};
    std::size_t i = 0;
    for (auto _ : state) {
        std::string_view s = slugs[i++ % slugs.size()];
        benchmark::DoNotOptimize(s);
        auto g = try_find_gpu(s);
        benchmark::DoNotOptimize(g);
    }
}
BENCHMARK(BM_find_gpu_by_slug);

// A whole video job, as the CLI and a planner pay for it: lowering a preset's standard workload to
// stages of ops (allocates), then pricing those stages and working out the memory peak.
void BM_lower_inference_wan14b(benchmark::State& state) {
    const auto& m = find_model("wan2.1-t2v-14b");
    video_workload w = m.standard;
    for (auto _ : state) {
        auto stages = lower_inference(m, w);
        benchmark::DoNotOptimize(stages.data());
        w.steps = w.steps == 50 ? 51 : 50;
    }
}
BENCHMARK(BM_lower_inference_wan14b);

void BM_estimate_pipeline_wan14b(benchmark::State& state) {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto stages = lower_inference(m, m.standard);
    const auto& gpu = h100();
    const auto& cal = lit();
    for (auto _ : state) {
        auto e = estimate_pipeline(stages, gpu, cal, {});
        benchmark::DoNotOptimize(e.latency);
    }
}
BENCHMARK(BM_estimate_pipeline_wan14b);

// The library's one call for a whole job, as an embedder makes it: make_job (validation, defaults) and
// estimate (lowering + pricing + memory + likely range).
void BM_whole_job_wan14b(benchmark::State& state) {
    const auto& m = find_model("wan2.1-t2v-14b");
    const auto& gpu = h100();
    const auto& cal = lit();
    inference_request r;
    for (auto _ : state) {
        r.steps = r.steps == extent{50} ? 51 : 50;
        auto e = estimate(make_job(m, r), gpu, cal);
        benchmark::DoNotOptimize(e.pipeline.latency);
    }
}
BENCHMARK(BM_whole_job_wan14b);

// A scheduler re-pricing an already-lowered job on another GPU / calibration: no allocation.
void BM_reprice_wan14b(benchmark::State& state) {
    const auto& m = find_model("wan2.1-t2v-14b");
    const inference_job job = make_job(m, {});
    const auto stages = estimate(job, h100(), lit()).stages;
    const auto& gpu = h100();
    const auto& cal = lit();
    for (auto _ : state) {
        auto q = reprice(stages, gpu, cal, job.pipeline);
        benchmark::DoNotOptimize(q.latency);
    }
}
BENCHMARK(BM_reprice_wan14b);

// Rejecting a candidate the GPU cannot run (FlashAttention-3 on an A100) without an exception reaching the
// caller.
void BM_try_estimate_rejected(benchmark::State& state) {
    const auto& m = find_model("wan2.1-t2v-14b");
    inference_request r;
    r.attention = attention_kernel::fa3;
    const inference_job job = make_job(m, r);
    const auto& a100 = find_gpu("a100-sxm4-80gb");
    const auto& cal = find_literature(a100.slug);
    for (auto _ : state) {
        auto o = try_estimate(job, a100, cal);
        benchmark::DoNotOptimize(o.code);
    }
}
BENCHMARK(BM_try_estimate_rejected);

void BM_lower_vae_decode_hunyuan(benchmark::State& state) {
    const auto& m = find_model("hunyuanvideo");
    const latent_shape lat = latents(m.latent, m.standard, m.slug);
    for (auto _ : state) {
        auto st = lower_vae_decode(m.vae, lat, 1, dtype::bf16, {});
        benchmark::DoNotOptimize(st.ops.data());
    }
}
BENCHMARK(BM_lower_vae_decode_hunyuan);

} // namespace
