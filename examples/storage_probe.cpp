// vidperf-storage-probe: measures how fast this node's storage delivers training
// data as more readers (one per GPU) read at once, and writes the curve as a
// vidperf.storage/1 file for `vidperf train --storage-scaling`.
//
//   vidperf-storage-probe --dir /data/scratch --size-MB 1024 --readers 1,2,4,8 --out storage.json
//
// Each reader streams its own file sequentially in 8 MiB blocks. Files are
// written first (or reused when --keep finds them), flushed, and dropped from
// the page cache with posix_fadvise before every pass, so reads come from the
// device, not from memory (the kernel may ignore the hint on some file systems:
// the output says so when a pass is implausibly fast, above 50 GB/s).
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace {

constexpr std::size_t block = 8u << 20;

void write_file(const std::string& path, std::size_t bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create '" + path + "'");
    std::vector<char> buf(block);
    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>(i * 131 + 7);
    for (std::size_t done = 0; done < bytes; done += block)
        if (::write(fd, buf.data(), block) != static_cast<ssize_t>(block)) {
            ::close(fd);
            throw std::runtime_error("short write to '" + path + "'");
        }
    ::fsync(fd);
    ::close(fd);
}

void drop_cache(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"vidperf-storage-probe: storage read throughput vs parallel readers"};
    std::string dir = ".", out = "storage.json", readers_arg = "1,2,4,8";
    double size_mb = 1024;
    bool keep = false;
    app.add_option("--dir", dir, "directory on the storage to measure")->required();
    app.add_option("--size-MB", size_mb, "bytes each reader reads, in MB")->default_val(1024);
    app.add_option("--readers", readers_arg, "reader counts, comma-separated")->default_str("1,2,4,8");
    app.add_option("--out", out, "where to write the vidperf.storage/1 file")->default_str("storage.json");
    app.add_flag("--keep", keep, "keep (and reuse) the probe files");
    CLI11_PARSE(app, argc, argv);
    if (!(size_mb > 0)) {
        std::fprintf(stderr, "vidperf-storage-probe: --size-MB must be > 0\n");
        return 2;
    }
    std::vector<int> counts;
    for (std::size_t pos = 0; pos <= readers_arg.size();) {
        const std::size_t comma = std::min(readers_arg.find(',', pos), readers_arg.size());
        if (comma > pos) counts.push_back(std::stoi(readers_arg.substr(pos, comma - pos)));
        pos = comma + 1;
    }
    int most = 0;
    for (int c : counts) most = c > most ? c : most;
    if (most <= 0) {
        std::fprintf(stderr, "vidperf-storage-probe: --readers needs counts > 0\n");
        return 2;
    }
    const std::size_t bytes = (static_cast<std::size_t>(size_mb * 1e6) + block - 1) / block * block;
    std::vector<std::string> files;
    try {
        for (int i = 0; i < most; ++i) {
            files.push_back((std::filesystem::path(dir) / fmt::format("vidperf-probe-{}.bin", i)).string());
            if (!(keep && std::filesystem::exists(files.back()) && std::filesystem::file_size(files.back()) >= bytes)) {
                fmt::print(stderr, "\rwriting probe file {}/{} ({:.0f} MB)   ", i + 1, most, bytes / 1e6);
                write_file(files.back(), bytes);
            }
        }
        fmt::print(stderr, "\n");
        nlohmann::json points = nlohmann::json::array();
        for (int n : counts) {
            for (int i = 0; i < n; ++i) drop_cache(files[static_cast<std::size_t>(i)]);
            std::atomic<std::size_t> done{0};
            std::atomic<bool> failed{false};
            std::atomic<double> last_finish{0.0}; // seconds after t0 at which the last reader finished
            const auto t0 = std::chrono::steady_clock::now();
            std::vector<std::thread> pool;
            for (int i = 0; i < n; ++i)
                pool.emplace_back([&, i] {
                    const int fd = ::open(files[static_cast<std::size_t>(i)].c_str(), O_RDONLY);
                    if (fd < 0) {
                        failed = true;
                        return;
                    }
                    std::vector<char> buf(block);
                    for (std::size_t off = 0; off < bytes; off += block) {
                        const ssize_t got = ::read(fd, buf.data(), block);
                        if (got <= 0) {
                            failed = true;
                            break;
                        }
                        done += static_cast<std::size_t>(got);
                    }
                    ::close(fd);
                    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                    double seen = last_finish.load();
                    while (t > seen && !last_finish.compare_exchange_weak(seen, t)) {
                    }
                });
            const std::size_t total = bytes * static_cast<std::size_t>(n);
            while (done < total && !failed) {
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                fmt::print(stderr, "\r{} reader(s): {:5.1f} % read, {:8.1f} MB/s   ", n, 100.0 * done / total,
                           s > 0 ? done / s / 1e6 : 0.0);
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            for (auto& t : pool) t.join();
            if (failed) throw std::runtime_error("a reader failed");
            const double s = last_finish.load();
            const double gbps = static_cast<double>(total) / s / 1e9;
            fmt::print(stderr, "\r{} reader(s): {:.3f} GB/s aggregate{}\n", n, gbps,
                       gbps > 50 ? " (above 50 GB/s: probably served from the page cache)" : "");
            points.push_back({{"gpus", n}, {"read_GBps", gbps}});
        }
        if (!keep)
            for (const auto& f : files) std::filesystem::remove(f);
        nlohmann::json j = {{"schema", "vidperf.storage/1"},
                            {"source", fmt::format("vidperf-storage-probe on {} ({:.0f} MB per reader, 8 MiB "
                                                   "sequential reads)",
                                                   std::filesystem::absolute(dir).string(), bytes / 1e6)},
                            {"points", points}};
        std::FILE* f = std::fopen(out.c_str(), "w");
        if (f == nullptr) throw std::runtime_error("cannot write '" + out + "'");
        std::fputs(j.dump(2).c_str(), f);
        std::fputs("\n", f);
        std::fclose(f);
        fmt::print("wrote {}\n", out);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vidperf-storage-probe: %s\n", e.what());
        return 2;
    }
    return 0;
}
