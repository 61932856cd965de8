#pragma once
/// \file
/// A node's measured storage read throughput as GPUs are added (schema
/// `vidperf.storage/1`), as the storage probe writes it or a user types it:
///
///   { "schema": "vidperf.storage/1", "source": "fio on /data, 2026-11-20",
///     "points": [ {"gpus": 1, "read_GiBps": 1.7}, {"gpus": 4, "read_GiBps": 0.2} ] }
///
/// Each point is the aggregate throughput when that many GPUs (readers) read
/// at once; `read_GBps` (1e9 bytes) is accepted as well as `read_GiBps`.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <vidperf/core/error.hpp>
#include <vidperf/detail/json_support.hpp>
#include <vidperf/io/gpu_json.hpp>
#include <vidperf/pipeline/training.hpp>

namespace vidperf {

inline constexpr std::string_view storage_schema = "vidperf.storage/1";

[[nodiscard]] inline storage_curve storage_from_json(std::string_view text) {
    constexpr std::string_view where = "storage JSON";
    const nlohmann::json j = detail::parse_json(text, where);
    detail::check_schema(j, storage_schema, where);
    const auto& pts = detail::require_field(j, "points", where);
    if (!pts.is_array() || pts.empty())
        detail::raise(errc::json_bad_value, where, "field 'points' must be a non-empty list");
    storage_curve c;
    for (const auto& p : pts) {
        const int gpus = detail::integer_field(p, "gpus", std::string(where) + " points[]", 1, 1 << 20);
        double bps = 0;
        if (detail::has(p, "read_GiBps"))
            bps = detail::number_field(p, "read_GiBps", where) * units::gibi;
        else if (detail::has(p, "read_GBps"))
            bps = detail::number_field(p, "read_GBps", where) * units::giga;
        else
            detail::raise(errc::json_missing_field, where, "each point needs 'read_GiBps' or 'read_GBps'");
        detail::require_positive(bps, where, "points[].read");
        c.points.emplace_back(gpus, bps);
    }
    return c;
}

[[nodiscard]] inline storage_curve load_storage_file(const std::filesystem::path& path) {
    return storage_from_json(detail::read_text_file(path, "load_storage_file"));
}

} // namespace vidperf
