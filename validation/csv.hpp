#pragma once
// RFC-4180 CSV for the validation tools: quoted fields, doubled quotes inside
// them, one record per line, a header row naming the columns.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <vidperf/core/error.hpp>

namespace vidperf::validation {

inline std::vector<std::string> split_csv_line(const std::string& line, const std::string& file, std::size_t line_no) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(cur);
            cur.clear();
        } else if (c != '\r') {
            cur += c;
        }
    }
    if (quoted) detail::raise_parse(file, "unterminated quote", line_no, line.size());
    out.push_back(cur);
    return out;
}

/// One record: column name -> value.
struct csv_record {
    std::map<std::string, std::string> f;
    std::size_t line = 0;
    [[nodiscard]] const std::string& at(const std::string& k) const { return f.at(k); }
};

/// Every record of a CSV file with a header row; a record with the wrong number of fields is an error naming the line.
inline std::vector<csv_record> read_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) detail::raise(errc::unknown_name, "vidperf_validate", "cannot open '" + path + "'");
    std::string line;
    if (!std::getline(in, line)) detail::raise_parse(path, "empty file (no header row)", 1, 1);
    const auto header = split_csv_line(line, path, 1);
    std::vector<csv_record> out;
    std::size_t no = 1;
    while (std::getline(in, line)) {
        ++no;
        if (line.empty() || line == "\r") continue;
        const auto cols = split_csv_line(line, path, no);
        if (cols.size() != header.size())
            detail::raise_parse(path,
                                "expected " + std::to_string(header.size()) + " columns, got " +
                                    std::to_string(cols.size()),
                                no, 1);
        csv_record r;
        r.line = no;
        for (std::size_t i = 0; i < cols.size(); ++i) r.f[header[i]] = cols[i];
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace vidperf::validation
