// vidperf in a CUDA translation unit: the headers must get through nvcc.
// The host code uses the GPU catalog; the kernel is compiled for the device but
// never launched, and no CUDA runtime function is called, so the program runs
// on machines without a GPU or driver.
#include <vidperf/vidperf.hpp>

#include <cstdio>
#include <string_view>

// A trivial kernel: compiled for the device, never launched.
__global__ void scale_kernel(float* data, int n, float factor) {
    const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) data[i] *= factor;
}

int main() {
    const vidperf::gpu_spec& gpu = vidperf::find_gpu("h100-sxm5-80gb");
    if (gpu.sm_count != 132) {
        std::printf("unexpected SM count for h100-sxm5-80gb: %d\n", gpu.sm_count);
        return 1;
    }
#ifdef VIDPERF_EXPECTED_VERSION
    if (std::string_view(vidperf::version_string) != VIDPERF_EXPECTED_VERSION) {
        std::printf("header version %s, expected %s\n", vidperf::version_string, VIDPERF_EXPECTED_VERSION);
        return 1;
    }
#endif
    // Taking the kernel's address keeps it referenced without launching it.
    void (*kernel)(float*, int, float) = scale_kernel;
    std::printf("vidperf %s under nvcc: h100-sxm5-80gb has %d SMs (kernel at %p, not launched)\n",
                vidperf::version_string, gpu.sm_count, reinterpret_cast<void*>(kernel));
    return 0;
}
