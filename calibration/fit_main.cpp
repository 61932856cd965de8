// vidperf-fit: raw calibration measurements (JSON lines) -> calibration JSON and a constexpr header.
//
//   vidperf-fit calibration/data/h100-sxm5-80gb/2026-11-24/raw.jsonl --gpu h100-sxm5-80gb
//               --out h100.calibration.json [--header h100_calibration.hpp --name h100_measured] [--base literature]
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <vidperf/calibration/fit.hpp>
#include <vidperf/json.hpp>

int main(int argc, char** argv) {
    CLI::App app{"vidperf-fit: fit a vidperf calibration from raw microbenchmark measurements"};
    std::string input, gpu_slug, out = "calibration.json", header, variable = "measured_calibration",
                                  base = "literature";
    app.add_option("raw", input, "raw measurements (vidperf.calibration-raw/1 JSON lines)")->required();
    app.add_option("--gpu", gpu_slug, "catalog slug of the measured GPU (default: the metadata's slug)");
    app.add_option("--out", out, "calibration JSON to write")->default_str("calibration.json");
    app.add_option("--header", header, "also write a constexpr C++ header here");
    app.add_option("--name", variable, "variable name in the header")->default_str("measured_calibration");
    app.add_option("--base", base, "profile for constants without measurements")->default_str("literature");
    CLI11_PARSE(app, argc, argv);
    try {
        // where the results go must be writable before anything is fitted
        for (const auto& [flag, path] : {std::pair<const char*, const std::string&>{"--out", out},
                                         std::pair<const char*, const std::string&>{"--header", header}}) {
            if (path.empty()) {
                if (std::string_view(flag) == "--out")
                    vidperf::raise(vidperf::errc::inconsistent, flag, "empty value ''; give the file to write");
                continue;
            }
            std::error_code ec;
            if (std::filesystem::is_directory(path, ec))
                vidperf::raise(vidperf::errc::inconsistent, flag, "cannot write '" + path + "': it is a folder");
            const auto dir = std::filesystem::absolute(path).parent_path();
            if (!std::filesystem::is_directory(dir, ec))
                vidperf::raise(vidperf::errc::unknown_name, flag,
                               "cannot write '" + path + "': folder '" + dir.string() + "' does not exist");
        }
        // the header declares a variable of this name
        const bool identifier =
            !variable.empty() && (std::isalpha(static_cast<unsigned char>(variable[0])) != 0 || variable[0] == '_') &&
            std::all_of(variable.begin(), variable.end(),
                        [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_'; });
        if (!identifier)
            vidperf::raise(vidperf::errc::inconsistent, "--name",
                           "'" + variable + "' is not a C++ identifier (letters, digits and _, not starting with a digit)");
        const auto raw = vidperf::parse_raw(vidperf::detail::read_text_file(input, "vidperf-fit"), input);
        if (gpu_slug.empty()) gpu_slug = vidperf::detail::string_field(raw.meta, "slug", input + " (meta)");
        const auto& gpu = vidperf::find_gpu(gpu_slug);
        const auto choice = vidperf::builtin_calibration(base, gpu.slug);
        const auto fit = vidperf::fit_calibration(raw, gpu, *choice.cal, input);
        for (const auto& r : fit.report)
            fmt::print("{:<40} {:>12.6g} +- {:<10.3g} from {:>4} points, worst residual {:.1f} %\n", r.constant,
                       r.value, r.std_error, r.points, 100 * r.max_relative_residual);
        // the calibration, and beside it how well each constant fits its points (readers ignore "fit")
        nlohmann::json j = vidperf::to_json(fit.cal.cal);
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& r : fit.report)
            rows.push_back({{"constant", r.constant},
                            {"value", r.value},
                            {"std_error", r.std_error},
                            {"points", r.points},
                            {"max_relative_residual", r.max_relative_residual}});
        j["fit"] = {{"raw", input}, {"base", base}, {"constants", std::move(rows)}};
        auto write = [](const std::string& path, const std::string& text) {
            std::ofstream f(path);
            f << text;
            f.close();
            if (!f) vidperf::raise(vidperf::errc::json_bad_value, "--out", "writing '" + path + "' failed");
            fmt::print("wrote {}\n", path);
        };
        write(out, j.dump(2) + "\n");
        if (!header.empty()) write(header, vidperf::to_constexpr_header(fit.cal.cal, variable));
    } catch (const vidperf::error& e) {
        std::cerr << "vidperf-fit: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        // a reader that let a library exception through (a wrongly typed JSON field, a filesystem error):
        // still a refusal with the reason, never an abort
        std::cerr << "vidperf-fit: cannot continue: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
