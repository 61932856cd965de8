// The collectives section of vidperf-calibrate: NCCL all-reduce, all-gather and
// all-to-all (grouped ncclSend / ncclRecv) over the visible GPUs, in one process
// (ncclCommInitAll, one stream per GPU), bf16, 8 B .. 1 GiB.
//
// Sizes and bandwidths follow the nccl-tests convention: "bytes" is the whole
// buffer of one rank (all-reduce: its input; all-gather: its output; all-to-all:
// what it sends), algbw = bytes / time, busbw = algbw x 2(n-1)/n (all-reduce) or
// (n-1)/n (all-gather, all-to-all). Time is the wall time of a batch of
// back-to-back collectives over all GPUs divided by the batch size.
#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "common.cuh"
#include "sections.cuh"

#define NCCL_CHECK(expr)                                                                                             \
    do {                                                                                                             \
        const ncclResult_t r_ = (expr);                                                                              \
        if (r_ != ncclSuccess)                                                                                       \
            throw std::runtime_error(std::string(__FILE__) + ":" + std::to_string(__LINE__) + ": " + #expr + ": " + \
                                     ncclGetErrorString(r_));                                                        \
    } while (0)

namespace vpcal {
namespace {

enum class collective { all_reduce, all_gather, all_to_all };

const char* name(collective c) {
    switch (c) {
    case collective::all_reduce: return "all_reduce";
    case collective::all_gather: return "all_gather";
    case collective::all_to_all: return "all_to_all";
    }
    return "";
}

double bus_factor(collective c, int n) {
    return c == collective::all_reduce ? 2.0 * (n - 1) / n : static_cast<double>(n - 1) / n;
}

struct group_state {
    int n = 0;
    std::vector<ncclComm_t> comms;
    std::vector<cudaStream_t> streams;
    std::vector<void*> send, recv;
    std::size_t capacity = 0; ///< bytes of each send and receive buffer
};

/// Enqueues one collective of `count` bf16 elements (the per-rank total) on every GPU.
void launch(const group_state& st, collective c, std::size_t count) {
    const std::size_t chunk = count / static_cast<std::size_t>(st.n);
    NCCL_CHECK(ncclGroupStart());
    for (int r = 0; r < st.n; ++r) {
        switch (c) {
        case collective::all_reduce:
            NCCL_CHECK(ncclAllReduce(st.send[r], st.recv[r], count, ncclBfloat16, ncclSum, st.comms[r], st.streams[r]));
            break;
        case collective::all_gather:
            NCCL_CHECK(ncclAllGather(st.send[r], st.recv[r], chunk, ncclBfloat16, st.comms[r], st.streams[r]));
            break;
        case collective::all_to_all:
            for (int p = 0; p < st.n; ++p) {
                NCCL_CHECK(ncclSend(static_cast<char*>(st.send[r]) + p * chunk * 2, chunk, ncclBfloat16, p, st.comms[r],
                                    st.streams[r]));
                NCCL_CHECK(ncclRecv(static_cast<char*>(st.recv[r]) + p * chunk * 2, chunk, ncclBfloat16, p, st.comms[r],
                                    st.streams[r]));
            }
            break;
        }
    }
    NCCL_CHECK(ncclGroupEnd());
}

void sync_all(const group_state& st) {
    for (int r = 0; r < st.n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        CUDA_CHECK(cudaStreamSynchronize(st.streams[r]));
    }
}

/// Checks one collective of `count` elements: rank r contributes the value r + 1.
void check(const group_state& st, collective c, std::size_t count) {
    for (int r = 0; r < st.n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        fill_constant(st.send[r], count, elem::bf16, static_cast<float>(r + 1));
        CUDA_CHECK(cudaDeviceSynchronize());
    }
    launch(st, c, count);
    sync_all(st);
    const std::size_t chunk = count / static_cast<std::size_t>(st.n);
    for (int r = 0; r < st.n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        for (int p = 0; p < st.n; ++p) {
            const float got =
                to_host_floats(static_cast<const char*>(st.recv[r]) + (p * chunk + chunk / 2) * 2, 1, elem::bf16)[0];
            const float want = c == collective::all_reduce ? st.n * (st.n + 1) / 2.0f : static_cast<float>(p + 1);
            if (got != want)
                throw std::runtime_error(std::string("NCCL ") + name(c) + " check failed on GPU " + std::to_string(r) +
                                         ": " + std::to_string(got) + " instead of " + std::to_string(want));
        }
    }
    CUDA_CHECK(cudaSetDevice(0));
}

} // namespace

std::string nccl_version_json() {
    int v = 0;
    if (ncclGetVersion(&v) != ncclSuccess) return "null";
    // NCCL_VERSION_CODE: major * 10000 + minor * 100 + patch since 2.9
    return "\"" + std::to_string(v / 10000) + "." + std::to_string((v % 10000) / 100) + "." + std::to_string(v % 100) +
           "\"";
}

void bench_collectives(double end_s) {
    int n = 0;
    CUDA_CHECK(cudaGetDeviceCount(&n));
    if (n < 2) {
        emit("{\"kind\": \"collective\", \"status\": \"skipped\", \"reason\": \"1 GPU visible: collectives need at least "
             "2\", \"gpus\": " +
             std::to_string(n) + "}");
        return;
    }
    group_state st;
    st.n = n;
    st.capacity = g.quick ? (std::size_t(256) << 20) : (std::size_t(1) << 30);
    for (int r = 0; r < n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        while (st.capacity > (std::size_t(1) << 20) && 2.2 * static_cast<double>(st.capacity) >
                                                           static_cast<double>(free_device_bytes()))
            st.capacity /= 2;
    }
    std::vector<std::size_t> sizes;
    for (std::size_t b = 8; b <= st.capacity; b *= 8) sizes.push_back(b);
    if (sizes.back() != st.capacity) sizes.push_back(st.capacity);
    const collective kinds[] = {collective::all_reduce, collective::all_gather, collective::all_to_all};
    section sec("collectives", end_s, static_cast<int>(3 * sizes.size()));

    st.comms.resize(n);
    std::vector<int> devices(n);
    for (int r = 0; r < n; ++r) devices[r] = r;
    NCCL_CHECK(ncclCommInitAll(st.comms.data(), n, devices.data()));
    st.streams.resize(n);
    st.send.resize(n);
    st.recv.resize(n);
    for (int r = 0; r < n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        CUDA_CHECK(cudaStreamCreateWithFlags(&st.streams[r], cudaStreamNonBlocking));
        CUDA_CHECK(cudaMalloc(&st.send[r], st.capacity));
        CUDA_CHECK(cudaMalloc(&st.recv[r], st.capacity));
        fill_uniform(st.send[r], st.capacity / 2, elem::bf16, 31 + r, 1.0f);
        CUDA_CHECK(cudaDeviceSynchronize());
    }
    CUDA_CHECK(cudaSetDevice(0));
    const std::string version = nccl_version_json();
    bool out_of_time = false;
    for (const collective c : kinds) {
        if (out_of_time) break;
        check(st, c, std::min<std::size_t>(st.capacity / 2, std::size_t(1) << 20) / n * n);
        double latency = 0, best_busbw = 0;
        for (const std::size_t bytes : sizes) {
            if (!sec.time_left()) {
                out_of_time = true;
                break;
            }
            // elements per rank: a multiple of the GPU count, at least one per GPU
            const std::size_t count = std::max<std::size_t>(bytes / 2 / n * n, static_cast<std::size_t>(n));
            const std::size_t actual = count * 2;
            sec.step(std::string(name(c)) + " " + std::to_string(actual) + " B on " + std::to_string(n) + " GPUs");
            auto batch = [&](int iterations) {
                const auto t0 = std::chrono::steady_clock::now();
                for (int i = 0; i < iterations; ++i) launch(st, c, count);
                sync_all(st);
                return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / iterations;
            };
            // the first call may set up NCCL's connections: size the batches from the warm-up after it, and run
            // at least 20 back-to-back calls per batch (the nccl-tests default) so the final synchronisation of
            // every GPU is a small part of each
            const double first = batch(1);
            const double warm = batch(first > 0.01 ? 2 : 10);
            const double target = g.quick ? 0.02 : 0.05;
            const int iterations = static_cast<int>(std::clamp(target / std::max(warm, 1e-6), 20.0, 1000.0));
            std::vector<double> times;
            for (int rep = 0; rep < 5; ++rep) times.push_back(batch(iterations));
            std::sort(times.begin(), times.end());
            const double t = times[2];
            const double algbw = static_cast<double>(actual) / t / 1e9;
            const double busbw = algbw * bus_factor(c, n);
            if (bytes == sizes.front()) latency = t;
            best_busbw = std::max(best_busbw, busbw);
            emit(std::string("{\"kind\": \"collective\", \"op\": \"") + name(c) + "\", \"gpus\": " + std::to_string(n) +
                 ", \"dtype\": \"bf16\", \"bytes\": " + std::to_string(actual) + ", \"count\": " + std::to_string(count) +
                 ", \"time_s\": " + jnum(t) + ", \"samples\": 5, \"iterations\": " + std::to_string(iterations) +
                 ", \"spread\": " + jnum((times[4] - times[0]) / t) + ", \"spread_is\": \"(max - min) / median of 5 batches\"" + ", \"algbw_GBps\": " + jnum(algbw) +
                 ", \"busbw_GBps\": " + jnum(busbw) + ", \"bus_factor\": " + jnum(bus_factor(c, n)) +
                 ", \"nccl\": " + version + "}");
        }
        if (best_busbw > 0)
            emit(std::string("{\"kind\": \"collective_summary\", \"op\": \"") + name(c) + "\", \"gpus\": " +
                 std::to_string(n) + ", \"latency_s\": " + jnum(latency) + ", \"busbw_GBps_max\": " + jnum(best_busbw) +
                 ", \"nccl\": " + version + "}");
    }
    for (int r = 0; r < n; ++r) {
        CUDA_CHECK(cudaSetDevice(r));
        CUDA_CHECK(cudaStreamSynchronize(st.streams[r]));
        ncclCommDestroy(st.comms[r]);
        CUDA_CHECK(cudaStreamDestroy(st.streams[r]));
        CUDA_CHECK(cudaFree(st.send[r]));
        CUDA_CHECK(cudaFree(st.recv[r]));
    }
    CUDA_CHECK(cudaSetDevice(0));
}

} // namespace vpcal
