// Reading `vidperf shapes` files and the built-in shape lists of vidperf-calibrate.
#include "shapes.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

namespace vpcal {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw std::runtime_error(where + ": " + what);
}

long long get_extent(const json& j, const char* key, const std::string& where, long long min, long long fallback,
                     bool required) {
    if (!j.contains(key)) {
        if (required) fail(where, std::string("missing field '") + key + "'");
        return fallback;
    }
    const json& v = j.at(key);
    if (!v.is_number_integer() && !v.is_number_unsigned())
        fail(where, std::string("field '") + key + "' must be an integer");
    const long long x = v.get<long long>();
    if (x < min) fail(where, std::string("field '") + key + "' must be >= " + std::to_string(min));
    return x;
}

std::array<long long, 3> get_triple(const json& j, const char* key, const std::string& where, long long min,
                                    std::array<long long, 3> fallback, bool required) {
    if (!j.contains(key)) {
        if (required) fail(where, std::string("missing field '") + key + "'");
        return fallback;
    }
    const json& v = j.at(key);
    if (!v.is_array() || v.size() != 3) fail(where, std::string("field '") + key + "' must be an array of 3 integers");
    std::array<long long, 3> out{};
    for (std::size_t i = 0; i < 3; ++i) {
        if (!v[i].is_number_integer() && !v[i].is_number_unsigned())
            fail(where, std::string("field '") + key + "' must be an array of 3 integers");
        out[i] = v[i].get<long long>();
        if (out[i] < min) fail(where, std::string("field '") + key + "' entries must be >= " + std::to_string(min));
    }
    return out;
}

std::string get_string(const json& j, const char* key, const std::string& where, const std::string& fallback) {
    if (!j.contains(key)) return fallback;
    if (!j.at(key).is_string()) fail(where, std::string("field '") + key + "' must be a string");
    return j.at(key).get<std::string>();
}

bool get_bool(const json& j, const char* key, const std::string& where, bool fallback) {
    if (!j.contains(key)) return fallback;
    if (!j.at(key).is_boolean()) fail(where, std::string("field '") + key + "' must be true or false");
    return j.at(key).get<bool>();
}

std::string get_direction(const json& j, const std::string& where) {
    const std::string d = get_string(j, "direction", where, "forward");
    if (d != "forward" && d != "backward") fail(where, "field 'direction' must be \"forward\" or \"backward\"");
    return d;
}

const char* const known_dtypes[] = {"fp32", "tf32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2", "int8", "int4", "nf4"};

std::string get_dtype(const json& j, const char* key, const std::string& where, const std::string& fallback) {
    std::string d = get_string(j, key, where, fallback);
    // vidperf names the FP8 formats fp8_e4m3 / fp8_e5m2; the hyphenated spelling is accepted too
    if (d == "fp8-e4m3" || d == "fp8" || d == "e4m3") d = "fp8_e4m3";
    if (d == "fp8-e5m2" || d == "e5m2") d = "fp8_e5m2";
    for (const char* k : known_dtypes)
        if (d == k) return d;
    fail(where, std::string("field '") + key + "': unknown dtype '" + d +
                    "'; known: fp32 tf32 bf16 fp16 fp8_e4m3 fp8_e5m2 int8 int4 nf4");
}

planned_op parse_op(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "an op must be a JSON object");
    const std::string kind = get_string(j, "kind", where, "");
    planned_op p;
    p.kind = kind;
    p.source = "shapes";
    if (kind == "gemm") {
        gemm_shape& g = p.gemm;
        g.m = get_extent(j, "m", where, 1, 1, true);
        g.n = get_extent(j, "n", where, 1, 1, true);
        g.k = get_extent(j, "k", where, 1, 1, true);
        g.batch = get_extent(j, "batch", where, 1, 1, false);
        g.a = get_dtype(j, "a", where, "bf16");
        g.b = get_dtype(j, "b", where, g.a);
        g.c = get_dtype(j, "c", where, g.a);
        g.shared_b = get_bool(j, "shared_b", where, false);
    } else if (kind == "attention") {
        attention_shape& a = p.attention;
        a.batch = get_extent(j, "batch", where, 1, 1, false);
        a.heads_q = get_extent(j, "heads_q", where, 1, 1, true);
        a.heads_kv = get_extent(j, "heads_kv", where, 1, a.heads_q, false);
        a.seq_q = get_extent(j, "seq_q", where, 1, 1, true);
        a.seq_kv = get_extent(j, "seq_kv", where, 1, a.seq_q, false);
        a.head_dim = get_extent(j, "head_dim", where, 1, 1, true);
        a.head_dim_v = get_extent(j, "head_dim_v", where, 1, a.head_dim, false);
        a.causal = get_bool(j, "causal", where, false);
        a.dtype = get_dtype(j, "dtype", where, "bf16");
        a.direction = get_direction(j, where);
        if (a.heads_q % a.heads_kv != 0) fail(where, "heads_q must be a multiple of heads_kv");
    } else if (kind == "conv") {
        conv_shape& c = p.conv;
        c.batch = get_extent(j, "batch", where, 1, 1, false);
        c.c_in = get_extent(j, "c_in", where, 1, 1, true);
        c.c_out = get_extent(j, "c_out", where, 1, 1, true);
        c.input = get_triple(j, "input", where, 1, {1, 1, 1}, true);
        c.kernel = get_triple(j, "kernel", where, 1, {1, 1, 1}, false);
        c.stride = get_triple(j, "stride", where, 1, {1, 1, 1}, false);
        c.pad_before = get_triple(j, "pad_before", where, 0, {0, 0, 0}, false);
        c.pad_after = get_triple(j, "pad_after", where, 0, {0, 0, 0}, false);
        c.dilation = get_triple(j, "dilation", where, 1, {1, 1, 1}, false);
        c.groups = get_extent(j, "groups", where, 1, 1, false);
        c.dtype = get_dtype(j, "dtype", where, "bf16");
        c.direction = get_direction(j, where);
        if (c.c_in % c.groups != 0 || c.c_out % c.groups != 0)
            fail(where, "c_in and c_out must be multiples of groups");
        for (std::size_t i = 0; i < 3; ++i)
            if (c.input[i] + c.pad_before[i] + c.pad_after[i] < c.dilation[i] * (c.kernel[i] - 1) + 1)
                fail(where, "the padded input is smaller than the kernel");
    } else if (kind == "pointwise") {
        // not measured by this suite (the validation measurements time pointwise ops)
    } else {
        fail(where, "field 'kind': unknown op kind '" + kind + "'; known: gemm attention conv pointwise");
    }
    return p;
}

std::string key_of(const planned_op& p) {
    if (p.kind == "gemm") return op_json(p.gemm);
    if (p.kind == "attention") return op_json(p.attention, "cudnn");
    return op_json(p.conv);
}

json gemm_json(const gemm_shape& g) {
    return json{{"kind", "gemm"}, {"m", g.m},         {"n", g.n},           {"k", g.k}, {"batch", g.batch},
                {"a", g.a},       {"b", g.b},         {"c", g.c},           {"shared_b", g.shared_b}};
}

} // namespace

std::array<long long, 3> conv_shape::output() const {
    std::array<long long, 3> o{};
    for (std::size_t i = 0; i < 3; ++i)
        o[i] = (input[i] + pad_before[i] + pad_after[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
    return o;
}

std::string op_json(const gemm_shape& g) { return gemm_json(g).dump(); }

std::string op_json(const attention_shape& a, const std::string& kernel) {
    return json{{"kind", "attention"},    {"batch", a.batch},         {"heads_q", a.heads_q},
                {"heads_kv", a.heads_kv}, {"seq_q", a.seq_q},         {"seq_kv", a.seq_kv},
                {"head_dim", a.head_dim}, {"head_dim_v", a.head_dim_v}, {"causal", a.causal},
                {"dtype", a.dtype},       {"kernel", kernel},         {"direction", a.direction}}
        .dump();
}

std::string op_json(const conv_shape& c) {
    return json{{"kind", "conv"},
                {"batch", c.batch},
                {"c_in", c.c_in},
                {"c_out", c.c_out},
                {"input", c.input},
                {"kernel", c.kernel},
                {"stride", c.stride},
                {"pad_before", c.pad_before},
                {"pad_after", c.pad_after},
                {"dilation", c.dilation},
                {"groups", c.groups},
                {"dtype", c.dtype},
                {"direction", c.direction}}
        .dump();
}

std::string json_string_array(const std::vector<std::string>& v) { return json(v).dump(); }

double flops(const gemm_shape& g) {
    return 2.0 * static_cast<double>(g.m) * static_cast<double>(g.n) * static_cast<double>(g.k) *
           static_cast<double>(g.batch);
}

double flops(const attention_shape& a) {
    const double pairs = static_cast<double>(a.batch) * static_cast<double>(a.heads_q) *
                         static_cast<double>(a.seq_q) * static_cast<double>(a.seq_kv);
    double f = 2.0 * pairs * static_cast<double>(a.head_dim + a.head_dim_v);
    if (a.causal) { // the unmasked fraction of a bottom-right aligned causal mask
        const double sq = static_cast<double>(a.seq_q), skv = static_cast<double>(a.seq_kv);
        double kept = 0;
        if (skv >= sq)
            kept = sq * skv - sq * (sq - 1) / 2;
        else
            kept = skv * (skv + 1) / 2;
        f *= kept / (sq * skv);
    }
    return a.direction == "backward" ? 2.5 * f : f;
}

double flops(const conv_shape& c) {
    const auto o = c.output();
    const double m = static_cast<double>(c.batch) * static_cast<double>(o[0] * o[1] * o[2]);
    const double n = static_cast<double>(c.c_out / c.groups);
    const double k = static_cast<double>(c.c_in / c.groups) *
                     static_cast<double>(c.kernel[0] * c.kernel[1] * c.kernel[2]);
    const double f = 2.0 * m * n * k * static_cast<double>(c.groups);
    return c.direction == "backward" ? 2.0 * f : f;
}

int dtype_bytes(const std::string& name) {
    if (name == "fp32" || name == "tf32") return 4;
    if (name == "bf16" || name == "fp16") return 2;
    if (name == "fp8_e4m3" || name == "fp8_e5m2" || name == "int8") return 1;
    return 0;
}

shapes_plan read_shapes(const std::vector<std::string>& files) {
    shapes_plan plan;
    std::map<std::string, std::size_t> seen[3]; // gemm, attention, conv: key -> index
    for (const auto& file : files) {
        std::ifstream in(file);
        if (!in) throw std::runtime_error(file + ": cannot open");
        std::stringstream ss;
        ss << in.rdbuf();
        json doc;
        try {
            doc = json::parse(ss.str());
        } catch (const json::parse_error& e) {
            throw std::runtime_error(file + ": malformed JSON: " + e.what());
        }
        if (!doc.is_object()) fail(file, "the document must be a JSON object");
        const std::string schema = get_string(doc, "schema", file, "");
        if (schema != "vidperf.shapes/1")
            fail(file, "field 'schema' is '" + schema + "'; expected \"vidperf.shapes/1\" (written by `vidperf shapes`)");
        const std::string model = get_string(doc, "model", file, file);
        if (!doc.contains("ops") || !doc.at("ops").is_array()) fail(file, "missing array field 'ops'");
        ++plan.files;
        std::size_t index = 0;
        for (const json& entry : doc.at("ops")) {
            const std::string where = file + ": ops[" + std::to_string(index++) + "]";
            ++plan.ops_read;
            if (!entry.is_object() || !entry.contains("op")) fail(where, "missing field 'op'");
            double share = 0;
            if (entry.contains("share")) {
                if (!entry.at("share").is_number()) fail(where, "field 'share' must be a number");
                share = entry.at("share").get<double>();
            }
            planned_op p = parse_op(entry.at("op"), where + ".op");
            if (p.kind == "pointwise") {
                ++plan.pointwise;
                continue;
            }
            p.share = share;
            p.models = {model};
            const int slot = p.kind == "gemm" ? 0 : p.kind == "attention" ? 1 : 2;
            std::vector<planned_op>& list = slot == 0 ? plan.gemm : slot == 1 ? plan.attention : plan.conv;
            const auto [it, inserted] = seen[slot].try_emplace(key_of(p), list.size());
            if (inserted) {
                list.push_back(std::move(p));
            } else {
                ++plan.duplicates;
                planned_op& old = list[it->second];
                old.share = std::max(old.share, share);
                if (std::find(old.models.begin(), old.models.end(), model) == old.models.end())
                    old.models.push_back(model);
            }
        }
    }
    for (auto* list : {&plan.gemm, &plan.attention, &plan.conv})
        std::stable_sort(list->begin(), list->end(),
                         [](const planned_op& a, const planned_op& b) { return a.share > b.share; });
    return plan;
}

std::vector<planned_op> builtin_attention_shapes() {
    // Self-attention of video DiTs at their standard workloads (one sequence: CFG doubles the batch).
    struct row {
        const char* model;
        long long heads, seq, d;
    };
    const row rows[] = {{"wan2.1-t2v-14b (720p, 81 frames)", 40, 75600, 128},
                        {"wan2.1-t2v-1.3b (480p, 81 frames)", 12, 32760, 128},
                        {"cogvideox-5b (720x480, 49 frames)", 48, 17776, 64},
                        {"hunyuanvideo (720p, 129 frames)", 24, 119056, 128}};
    std::vector<planned_op> out;
    for (const row& r : rows) {
        planned_op p;
        p.kind = "attention";
        p.source = "builtin";
        p.models = {r.model};
        p.attention.heads_q = p.attention.heads_kv = r.heads;
        p.attention.seq_q = p.attention.seq_kv = r.seq;
        p.attention.head_dim = p.attention.head_dim_v = r.d;
        out.push_back(p);
    }
    return out;
}

std::vector<planned_op> builtin_conv_shapes(bool quick) {
    // Wan-VAE decoder 3-D convolutions at 480p (latent 21 x 60 x 104, 81 frames out): causal
    // temporal padding (2 before, 0 after), spatial padding 1; then the 2-D (1x3x3) up-sampling
    // convolutions and the 1x1x1 shortcut.
    struct row {
        long long c_in, c_out, d, h, w, kd, kh, kw;
    };
    const row full[] = {{384, 384, 21, 60, 104, 3, 3, 3},   {16, 384, 21, 60, 104, 3, 3, 3},
                        {384, 384, 41, 120, 208, 3, 3, 3},  {192, 384, 41, 120, 208, 3, 3, 3},
                        {192, 192, 81, 240, 416, 3, 3, 3},  {384, 192, 81, 240, 416, 1, 3, 3},
                        {96, 96, 81, 480, 832, 3, 3, 3},    {192, 96, 81, 480, 832, 1, 3, 3},
                        {192, 384, 41, 120, 208, 1, 1, 1}};
    const row small[] = {{384, 384, 21, 60, 104, 3, 3, 3},
                         {384, 384, 11, 120, 208, 3, 3, 3},
                         {192, 192, 9, 240, 416, 3, 3, 3},
                         {96, 96, 5, 480, 832, 3, 3, 3},
                         {384, 192, 9, 240, 416, 1, 3, 3}};
    std::vector<planned_op> out;
    auto add = [&](const row& r) {
        planned_op p;
        p.kind = "conv";
        p.source = "builtin";
        p.models = {"wan-vae decoder (480p)"};
        conv_shape& c = p.conv;
        c.c_in = r.c_in;
        c.c_out = r.c_out;
        c.input = {r.d, r.h, r.w};
        c.kernel = {r.kd, r.kh, r.kw};
        c.pad_before = {r.kd - 1, r.kh / 2, r.kw / 2};
        c.pad_after = {0, r.kh / 2, r.kw / 2};
        out.push_back(p);
    };
    if (quick)
        for (const row& r : small) add(r);
    else
        for (const row& r : full) add(r);
    return out;
}

std::vector<planned_op> gemm_plan(const std::vector<planned_op>& from_files, bool quick) {
    std::vector<std::array<long long, 3>> sizes;
    for (long long n : {256LL, 512LL, 1024LL, 2048LL, 4096LL, 8192LL, 16384LL})
        if (!quick || n <= 8192) sizes.push_back({n, n, n});
    // DiT shapes (tokens x out x in): Wan 1.3B / 14B projections and MLPs at 480p and 720p
    for (const auto& s : std::vector<std::array<long long, 3>>{{32760, 1536, 1536},
                                                               {32760, 8960, 1536},
                                                               {75600, 5120, 5120},
                                                               {75600, 13824, 5120},
                                                               {75600, 5120, 13824}})
        sizes.push_back(s);
    std::vector<planned_op> out;
    auto sweep = [&out](const std::string& t, const std::vector<std::array<long long, 3>>& shapes) {
        bool first = true;
        for (const auto& s : shapes) {
            planned_op p;
            p.kind = "gemm";
            p.source = "sweep";
            p.gemm.m = s[0];
            p.gemm.n = s[1];
            p.gemm.k = s[2];
            p.gemm.a = p.gemm.b = t;
            p.gemm.c = t == "fp8_e4m3" ? "bf16" : t == "int8" ? "int32" : t;
            p.budget_check = first;
            first = false;
            out.push_back(p);
        }
    };
    for (const char* t : {"bf16", "fp16", "tf32", "fp8_e4m3", "int8"}) {
        sweep(t, sizes);
        // the files' heavy GEMMs (over 0.1 % of a job) right after the bf16 sweep, their long tail last
        if (std::string(t) == "bf16")
            for (const planned_op& p : from_files)
                if (p.share >= 1e-3) out.push_back(p);
    }
    // SIMT FP32 (TF32 off) next: squares up to 4096 (8192^3 would take 60 ms a call), then the shapes that set its
    // own k ramp (k = 64, 128) and the operand reuse of thin tiles (n = 64, 32)
    std::vector<std::array<long long, 3>> simt;
    for (long long n : {256LL, 512LL, 1024LL, 2048LL, 4096LL}) simt.push_back({n, n, n});
    for (const auto& s : std::vector<std::array<long long, 3>>{
             {8192, 8192, 64}, {8192, 8192, 128}, {8192, 64, 8192}, {8192, 32, 8192}, {32760, 1536, 1536}})
        simt.push_back(s);
    sweep("fp32", simt);
    for (const planned_op& p : from_files)
        if (p.share < 1e-3) out.push_back(p);
    return out;
}

std::vector<planned_op> attention_plan(const std::vector<planned_op>& model_ops, bool quick) {
    std::vector<long long> seqs = {1024, 2048, 4096, 8192, 16384, 32768, 65536};
    if (quick) seqs = {1024, 2048, 4096, 8192, 16384};
    // 16 heads; batch x seq = 16k tokens up to 16k, then batch 1 (the published FlashAttention sweeps' setting)
    auto sweep = [&](const char* dtype, long long d, const std::vector<long long>& s, const char* direction) {
        std::vector<planned_op> v;
        for (long long seq : s) {
            planned_op p;
            p.kind = "attention";
            p.source = "sweep";
            attention_shape& a = p.attention;
            a.batch = std::max(1LL, 16384 / seq);
            a.heads_q = a.heads_kv = 16;
            a.seq_q = a.seq_kv = seq;
            a.head_dim = a.head_dim_v = d;
            a.dtype = dtype;
            a.direction = direction;
            p.budget_check = v.empty();
            v.push_back(p);
        }
        return v;
    };
    std::vector<planned_op> out = sweep("bf16", 128, seqs, "forward");
    const auto backward = sweep("bf16", 128, {4096, 16384}, "backward");
    out.insert(out.end(), backward.begin(), backward.end());
    out.insert(out.end(), model_ops.begin(), model_ops.end());
    for (const auto& [dtype, d] : std::vector<std::pair<const char*, long long>>{{"bf16", 64}, {"fp16", 128}, {"fp16", 64}}) {
        const auto v = sweep(dtype, d, seqs, "forward");
        out.insert(out.end(), v.begin(), v.end());
    }
    return out;
}

std::string describe(const planned_op& p) {
    std::ostringstream o;
    if (p.kind == "gemm") {
        const gemm_shape& g = p.gemm;
        o << "gemm " << g.a << " " << g.m << "x" << g.n << "x" << g.k;
        if (g.batch > 1) o << " batch " << g.batch << (g.shared_b ? " (shared B)" : "");
    } else if (p.kind == "attention") {
        const attention_shape& a = p.attention;
        o << "attention " << a.direction << " " << a.dtype << " b" << a.batch << " h" << a.heads_q;
        if (a.heads_kv != a.heads_q) o << "/" << a.heads_kv;
        o << " s" << a.seq_q;
        if (a.seq_kv != a.seq_q) o << "x" << a.seq_kv;
        o << " d" << a.head_dim << (a.causal ? " causal" : "");
    } else {
        const conv_shape& c = p.conv;
        o << "conv " << c.dtype << " " << c.c_in << "->" << c.c_out << " in " << c.input[0] << "x" << c.input[1] << "x"
          << c.input[2] << " k " << c.kernel[0] << "x" << c.kernel[1] << "x" << c.kernel[2];
        if (c.stride != std::array<long long, 3>{1, 1, 1})
            o << " stride " << c.stride[0] << "x" << c.stride[1] << "x" << c.stride[2];
    }
    if (p.source == "shapes") o << " [share " << p.share << ", " << p.models.front() << (p.models.size() > 1 ? " +" : "") << "]";
    return o.str();
}

std::vector<planned_op> conv_plan(const std::vector<planned_op>& model_ops) { return model_ops; }

} // namespace vpcal
