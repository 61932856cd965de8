// Hand counts and a reference prediction, checked at compile time: this file only has to compile.
#include <vidperf/vidperf.hpp>

using namespace vidperf;

namespace {
constexpr const gpu_spec& h100 = *try_find_gpu("h100-sxm5-80gb");
constexpr gemm_op square{8192, 8192, 8192};
constexpr double n = 8192.0;
} // namespace

// GEMM: 2 m n k FLOPs; A, B read and C written once, 2 bytes each in bf16
static_assert(cost(square).flops.value() == 2 * n * n * n);
static_assert(cost(square).bytes().value() == 3 * n * n * 2);

// attention forward, non-causal: Q K^T and P V, 2 x 2 b h s_q s_kv d FLOPs
constexpr attention_op wan_attention = [] {
    attention_op a;
    a.heads_q = 40;
    a.seq_q = 75600;
    a.head_dim = 128;
    return a;
}();
static_assert(cost(wan_attention).flops.value() == 4.0 * 40 * 75600.0 * 75600.0 * 128);

// a 3x3x3 convolution, stride 1, same padding: 2 C_in C_out 27 FLOPs per output voxel
constexpr conv_op conv = [] {
    conv_op c;
    c.c_in = 128;
    c.c_out = 128;
    c.input = {21, 90, 160};
    c.kernel = {3, 3, 3};
    c.pad_before = {1, 1, 1};
    c.pad_after = {1, 1, 1};
    return c;
}();
static_assert(cost(conv).flops.value() == 2.0 * 128 * 128 * 27 * 21 * 90 * 160);

// the reference prediction: on the datasheet ideal (every efficiency 1, no overheads, plain max), a large
// BF16 GEMM on an H100 SXM takes exactly FLOPs / dense BF16 peak (989.4 TFLOP/s), and is compute-bound
constexpr auto ideal = predict(square, h100, datasheet_calibration);
static_assert(h100.peak(compute_class::bf16).value() == 989.4e12);
static_assert(ideal.time.value() == 2 * n * n * n / 989.4e12);
static_assert(ideal.bound == bound_kind::compute);
