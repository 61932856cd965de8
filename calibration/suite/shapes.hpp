#pragma once
// The op shapes vidperf-calibrate measures: read from `vidperf shapes` files
// (schema vidperf.shapes/1) or taken from the built-in lists of video-model
// shapes. Plain C++ (no CUDA), so that --plan works on a machine without a GPU.
#include <array>
#include <string>
#include <vector>

namespace vpcal {

struct gemm_shape {
    long long m = 1, n = 1, k = 1, batch = 1;
    std::string a = "bf16", b = "bf16", c = "bf16";
    bool shared_b = true;
};

struct attention_shape {
    long long batch = 1, heads_q = 1, heads_kv = 1, seq_q = 1, seq_kv = 1, head_dim = 64, head_dim_v = 64;
    bool causal = false;
    std::string dtype = "bf16", direction = "forward";
};

struct conv_shape {
    long long batch = 1, c_in = 1, c_out = 1, groups = 1;
    std::array<long long, 3> input{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, pad_before{0, 0, 0}, pad_after{0, 0, 0},
        dilation{1, 1, 1};
    std::string dtype = "bf16", direction = "forward";
    [[nodiscard]] std::array<long long, 3> output() const;
};

/// One op to measure, with where it came from.
struct planned_op {
    std::string kind; ///< "gemm", "attention" or "conv"
    gemm_shape gemm;
    attention_shape attention;
    conv_shape conv;
    double share = 0;                ///< largest share of job time over the files that list it
    std::vector<std::string> models; ///< models whose shapes file lists it
    std::string source = "builtin";  ///< "builtin", "sweep" or "shapes"
    /// False for the members of a group after its first: a group (one dtype's
    /// GEMM sweep, one attention sweep, the backward pair) is started only as a
    /// whole, so that a time budget never leaves the fitter too few points of a kind.
    bool budget_check = true;
};

struct shapes_plan {
    std::vector<planned_op> gemm, attention, conv; ///< each heaviest first
    int files = 0;
    int ops_read = 0;    ///< op entries read over all files
    int pointwise = 0;   ///< pointwise entries (not measured by this suite)
    int duplicates = 0;  ///< entries that repeat an op already planned
};

/// Reads vidperf.shapes/1 files; throws std::runtime_error naming the file and
/// the op entry on malformed input.
[[nodiscard]] shapes_plan read_shapes(const std::vector<std::string>& files);

/// The op objects as vidperf writes them (include/vidperf/io/op_json.hpp), as
/// one-line JSON. The attention object carries `kernel` (the backend that ran it).
[[nodiscard]] std::string op_json(const gemm_shape& g);
[[nodiscard]] std::string op_json(const attention_shape& a, const std::string& kernel);
[[nodiscard]] std::string op_json(const conv_shape& c);

/// A JSON array of strings.
[[nodiscard]] std::string json_string_array(const std::vector<std::string>& v);

/// FLOPs by vidperf's conventions (a multiply-add is 2 FLOPs; attention counts
/// QK^T and PV, backward 2.5x forward; convolution as its implicit GEMM).
[[nodiscard]] double flops(const gemm_shape& g);
[[nodiscard]] double flops(const attention_shape& a);
[[nodiscard]] double flops(const conv_shape& c);

/// Bytes per element of a dtype name (bf16 2, fp8_e4m3 1, ...); 0 when unknown.
[[nodiscard]] int dtype_bytes(const std::string& name);

/// The ordered work of the GEMM section: the bf16 sweep, the shapes files'
/// GEMMs over 0.1 % of a job (heaviest first), the fp16, tf32 and fp8 sweeps,
/// then the files' remaining GEMMs.
[[nodiscard]] std::vector<planned_op> gemm_plan(const std::vector<planned_op>& from_files, bool quick);
/// The ordered work of the attention section: the bf16 d=128 forward sweep, a
/// backward pair, the model shapes (`model_ops`, heaviest first), then the
/// d=64 and fp16 sweeps.
[[nodiscard]] std::vector<planned_op> attention_plan(const std::vector<planned_op>& model_ops, bool quick);
/// The ordered work of the convolution section (the model shapes).
[[nodiscard]] std::vector<planned_op> conv_plan(const std::vector<planned_op>& model_ops);

/// One-line description of a planned op, for progress lines and --plan.
[[nodiscard]] std::string describe(const planned_op& p);

/// Built-in shapes, used when no shapes file is given.
[[nodiscard]] std::vector<planned_op> builtin_attention_shapes();
[[nodiscard]] std::vector<planned_op> builtin_conv_shapes(bool quick);

} // namespace vpcal
