#pragma once
/// \file
/// Measured validation records (`vidperf.validation-raw/1` JSON lines, written
/// by validation/run.sh on a GPU machine) read back and predicted: each op,
/// block, denoiser step and VAE decode measured on a GPU becomes a case with
/// the measured value and the predictions with two calibrations. Needs
/// nlohmann-json.
///
/// Records (one JSON object per line; the first is the metadata record):
///   {"record":"metadata","schema":"vidperf.validation-raw/1","gpu":...,...}
///   {"record":"op","op":{op object, io/op_json.hpp},"time_s":..,...}
///   {"record":"block","model":SLUG,"block":B,"workload":{"width","height","frames","batch","cfg","dtype",
///    "attention"},"time_s":..,"max_allocated_bytes":..,...}
///     B = denoiser_block (one block of the denoiser's main kind: cross / joint / dual-stream),
///         denoiser_single_block (one single-stream block), denoiser_step (one call of the whole
///         denoiser; also a memory case from max_allocated_bytes), vae_decode (the whole decode;
///         also a memory case)
///   {"record":"skipped",...}: counted, not predicted.
/// A block's prediction is the difference between the denoiser with one block
/// more and the denoiser as configured: exactly the ops one block adds.

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <vidperf/detail/json_support.hpp>
#include <vidperf/io/op_json.hpp>
#include <vidperf/models/model.hpp>
#include <vidperf/pipeline/pipeline.hpp>
#include <vidperf/models/presets.hpp>
#include <vidperf/roofline/engine.hpp>
#include <vidperf/roofline/profiles.hpp>

namespace vidperf {

/// One measured value and its predictions.
struct measured_case {
    std::string source; ///< file:line
    std::string kind;   ///< "op", "block", "step", "memory"
    std::string what;   ///< a short description of the shape
    std::string model;  ///< preset slug; empty for ops
    double measured = 0;
    double best = 0;      ///< prediction with the best calibration for the GPU
    double datasheet = 0; ///< prediction with the datasheet roofline
    [[nodiscard]] double error_best() const { return best / measured - 1; }
    [[nodiscard]] double error_datasheet() const { return datasheet / measured - 1; }
};

/// What a file held besides its cases.
struct measurement_file {
    nlohmann::json metadata;
    std::vector<measured_case> cases;
    std::size_t skipped = 0;
};

namespace detail {

/// Predicted time of one call of `s` (its ops, counted).
[[nodiscard]] inline double call_time(const stage& s, const gpu_spec& gpu, const calibration& cal) {
    return price(s, gpu, cal).time.value();
}

[[nodiscard]] inline video_workload measured_workload(const model_spec& m, const nlohmann::json& r,
                                                      std::string_view where) {
    const auto& j = require_field(r, "workload", where);
    video_workload w = m.standard;
    w.impl = implementation::ideal; // validation/measure runs vidperf's own block structure, not a reference code
    const std::string w_where = std::string(where) + ".workload";
    w.width = op_extent(j, "width", w_where, 1);
    w.height = op_extent(j, "height", w_where, 1);
    w.frames = op_extent(j, "frames", w_where, 1);
    w.batch = op_extent_or(j, "batch", w_where, 1, 1);
    w.steps = 1;
    w.cfg = enum_field<cfg_mode>(j, "cfg", w_where, cfg_mode::off);
    w.compute = op_dtype(j, "dtype", w_where, dtype::bf16);
    w.weights = w.compute;
    w.attention = enum_field<attention_kernel>(j, "attention", w_where, w.attention);
    return w;
}

[[nodiscard]] inline stage denoiser_call(const model_spec& m, const denoiser_spec& d, const video_workload& w) {
    const latent_shape lat = latents(m.latent, w, m.slug);
    const extent videos = w.cfg == cfg_mode::batched ? 2 * w.batch : w.batch;
    return lower_denoiser(d, m.latent, lat, videos, w, 1);
}

[[nodiscard]] inline double allocator_peak(const stage& s, const gpu_spec& gpu, const calibration& cal) {
    return estimate_pipeline({s}, gpu, cal, {}).memory.allocator_peak.value();
}

[[nodiscard]] inline double positive_number(const nlohmann::json& r, std::string_view key, std::string_view where) {
    const double v = number_field(r, key, where);
    if (!(v > 0) || !std::isfinite(v))
        raise(errc::json_bad_value, where,
              "field '" + std::string(key) + "' must be a positive number, got " + json_text(r.at(std::string(key))));
    return v;
}

} // namespace detail

/// Reads the JSON lines `text` of file `file` measured on `gpu`, and predicts
/// every record with `best` and with the datasheet roofline. Malformed lines
/// are errors naming file and line.
[[nodiscard]] inline measurement_file read_measurements(std::string_view text, std::string_view file,
                                                        const gpu_spec& gpu, const calibration& best) {
    using namespace detail;
    measurement_file out;
    std::size_t line_no = 0, pos = 0;
    bool seen_metadata = false;
    while (pos <= text.size()) {
        const std::size_t nl = text.find('\n', pos);
        const std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        const std::string where = std::string(file) + ":" + std::to_string(line_no);
        const nlohmann::json r = parse_json(line, where);
        const std::string record = string_field(r, "record", where);
        if (!seen_metadata) {
            if (record != "metadata") raise(errc::json_bad_value, where, "the first record must be the metadata record");
            check_schema(r, "vidperf.validation-raw/1", where);
            // a smoke run checks the measurement scripts on toy shapes; its timings judge nothing
            const bool smoke = has(r, "smoke") && r.at("smoke").is_boolean() && r.at("smoke").get<bool>();
            if (smoke || (has(r, "device") && r.at("device").is_string() && r.at("device").get<std::string>() == "cpu"))
                raise(errc::json_bad_value, where,
                      "a smoke run (\"smoke\": true or \"device\": \"cpu\") checks the scripts, it is not a "
                      "measurement; measured files come from validation/run.sh on a GPU");
            out.metadata = r;
            seen_metadata = true;
            continue;
        }
        if (record == "skipped") {
            ++out.skipped;
            continue;
        }
        if (record == "op") {
            const op o = op_from_json(require_field(r, "op", where), where + ".op");
            measured_case c;
            c.source = where;
            c.kind = "op";
            if (has(r, "model")) c.model = string_field(r, "model", where);
            const auto j = op_to_json(o);
            c.what = j.at("kind").get<std::string>();
            if (const auto* g = std::get_if<gemm_op>(&o))
                c.what += " " + std::to_string(g->m) + "x" + std::to_string(g->n) + "x" + std::to_string(g->k);
            else if (const auto* a = std::get_if<attention_op>(&o))
                c.what += " " + std::string(name(a->kernel)) + " h" + std::to_string(a->heads_q) + " s" +
                          std::to_string(a->seq_q) + "/" + std::to_string(a->seq_kv > 0 ? a->seq_kv : a->seq_q) +
                          " d" + std::to_string(a->head_dim);
            else if (const auto* cv = std::get_if<conv_op>(&o))
                c.what += " " + std::to_string(cv->c_in) + "->" + std::to_string(cv->c_out) + " " +
                          std::to_string(cv->input[0]) + "x" + std::to_string(cv->input[1]) + "x" +
                          std::to_string(cv->input[2]);
            else if (const auto* p = std::get_if<pointwise_op>(&o))
                c.what = std::string(name(p->kind)) + " " + std::to_string(p->elements);
            c.measured = positive_number(r, "time_s", where);
            c.best = predict(o, gpu, best).time.value();
            c.datasheet = predict(o, gpu, datasheet_calibration).time.value();
            out.cases.push_back(std::move(c));
            continue;
        }
        if (record == "block") {
            const model_spec& m = find_model(string_field(r, "model", where));
            const std::string block = string_field(r, "block", where);
            const video_workload w = measured_workload(m, r, where);
            const std::string shape = std::to_string(w.width) + "x" + std::to_string(w.height) + "x" +
                                      std::to_string(w.frames) + " " + std::string(name(w.attention));
            measured_case c;
            c.source = where;
            c.model = std::string(m.slug);
            c.what = block + " " + shape;
            c.measured = positive_number(r, "time_s", where);
            auto both = [&](auto&& f) {
                c.best = f(best);
                c.datasheet = f(datasheet_calibration);
            };
            if (block == "denoiser_block" || block == "denoiser_single_block") {
                if (is_unet(m.denoiser.family))
                    raise(errc::not_representable, where, "blocks of UNet denoisers are not modelled one by one");
                denoiser_spec more = m.denoiser;
                if (block == "denoiser_single_block") {
                    if (m.denoiser.single_layers == 0)
                        raise(errc::inconsistent, where, std::string(m.slug) + " has no single-stream blocks");
                    ++more.single_layers;
                } else {
                    ++more.layers;
                }
                const stage base = denoiser_call(m, m.denoiser, w);
                const stage plus = denoiser_call(m, more, w);
                c.kind = "block";
                both([&](const calibration& cal) { return call_time(plus, gpu, cal) - call_time(base, gpu, cal); });
                out.cases.push_back(std::move(c));
                continue;
            }
            stage whole;
            if (block == "denoiser_step") {
                whole = denoiser_call(m, m.denoiser, w);
            } else if (block == "vae_decode") {
                whole = lower_vae_decode(m.vae, latents(m.latent, w, m.slug), w.batch, w.compute, {});
            } else {
                raise(errc::unknown_name, where,
                      "field 'block': unknown block '" + block +
                          "'; known: denoiser_block denoiser_single_block denoiser_step vae_decode");
            }
            c.kind = "step";
            both([&](const calibration& cal) { return call_time(whole, gpu, cal); });
            out.cases.push_back(c);
            if (has(r, "max_allocated_bytes")) {
                measured_case mem = c;
                mem.kind = "memory";
                mem.measured = positive_number(r, "max_allocated_bytes", where) / 1e9;
                mem.best = allocator_peak(whole, gpu, best) / 1e9;
                mem.datasheet = allocator_peak(whole, gpu, datasheet_calibration) / 1e9;
                out.cases.push_back(std::move(mem));
            }
            continue;
        }
        raise(errc::unknown_name, where, "field 'record': unknown record '" + record + "'; known: metadata op block skipped");
    }
    if (!seen_metadata) raise(errc::json_missing_field, file, "no records (a measured file starts with its metadata record)");
    return out;
}

} // namespace vidperf
