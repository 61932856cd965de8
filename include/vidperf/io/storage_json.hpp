#pragma once
/// \file
/// A node's measured storage read throughput as GPUs are added (schema
/// `vidperf.storage/1`), as the storage probe writes it or a user types it:
///
///   { "schema": "vidperf.storage/1", "source": "fio on /data, 2026-11-20",
///     "points": [ {"gpus": 1, "read_GiBps": 1.7}, {"gpus": 4, "read_GiBps": 0.2} ] }
///
/// Each point is the aggregate throughput when that many GPUs (readers) read
/// at once; `read_GBps` (1e9 bytes) is accepted as well as `read_GiBps`, one
/// of the two per point. A GPU count appears in one point only (two
/// throughputs for one count leave the curve undefined); a throughput is > 0
/// and at most storage_json_max_read (1e6 of its unit, a petabyte per second).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/pipeline/training.hpp>

namespace vidperf {

inline constexpr std::string_view storage_schema = "vidperf.storage/1";

/// The largest read throughput a storage point may give, in its own unit (GiB/s or GB/s).
inline constexpr double storage_json_max_read = 1e6;

[[nodiscard]] inline storage_curve storage_from_json(std::string_view text) {
    constexpr std::string_view where = "storage JSON";
    const nlohmann::json j = detail::parse_json(text, where);
    detail::check_schema(j, storage_schema, where);
    const auto& pts = detail::require_field(j, "points", where);
    if (!pts.is_array() || pts.empty())
        detail::raise(errc::json_bad_value, where, "field 'points' must be a non-empty list");
    storage_curve c;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto& p = pts[i];
        const std::string at = std::string(where) + " points[" + std::to_string(i) + "]";
        const int gpus = detail::integer_field(p, "gpus", at, 1, 1 << 20);
        for (std::size_t k = 0; k < c.points.size(); ++k)
            if (c.points[k].first == gpus)
                detail::raise(errc::json_bad_value, at,
                              "field 'gpus' is " + std::to_string(gpus) + " in points[" + std::to_string(k) +
                                  "] and in points[" + std::to_string(i) +
                                  "]: a GPU count given twice leaves its throughput undefined");
        const bool gib = detail::has(p, "read_GiBps"), gb = detail::has(p, "read_GBps");
        if (gib && gb)
            detail::raise(errc::json_bad_value, at,
                          "both 'read_GiBps' (" + detail::json_text(p.at("read_GiBps")) + ") and 'read_GBps' (" +
                              detail::json_text(p.at("read_GBps")) + ") are given; give one of the two");
        double bps = 0;
        if (gib)
            bps = detail::bounded_field(p, "read_GiBps", at, storage_json_max_read, true) * units::gibi;
        else if (gb)
            bps = detail::bounded_field(p, "read_GBps", at, storage_json_max_read, true) * units::giga;
        else
            detail::raise(errc::json_missing_field, at, "each point needs 'read_GiBps' or 'read_GBps'");
        c.points.emplace_back(gpus, bps);
    }
    return c;
}

/// A storage JSON file; its errors name the file.
[[nodiscard]] inline storage_curve load_storage_file(const std::filesystem::path& path) {
    return detail::read_file_with(path, "load_storage_file",
                                  [](std::string_view text) { return storage_from_json(text); });
}

} // namespace vidperf
