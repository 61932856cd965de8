// NVML through dlopen: only the handful of entry points the suite reads.
#include "nvml_probe.hpp"

#include <dlfcn.h>

namespace vpcal {
namespace {

// The NVML C API as the driver's library exports it (nvml.h): enums are ints,
// nvmlDevice_t an opaque pointer, nvmlReturn_t 0 on success.
using nvml_return = int;
using nvml_device = void*;
constexpr int clock_sm = 1;  // NVML_CLOCK_SM
constexpr int clock_mem = 2; // NVML_CLOCK_MEM
constexpr int temperature_gpu = 0; // NVML_TEMPERATURE_GPU

struct api {
    nvml_return (*init)() = nullptr;
    nvml_return (*shutdown)() = nullptr;
    nvml_return (*by_pci)(const char*, nvml_device*) = nullptr;
    nvml_return (*clock)(nvml_device, int, unsigned*) = nullptr;
    nvml_return (*max_clock)(nvml_device, int, unsigned*) = nullptr;
    nvml_return (*temperature)(nvml_device, int, unsigned*) = nullptr;
    nvml_return (*power)(nvml_device, unsigned*) = nullptr;
    nvml_return (*power_limit)(nvml_device, unsigned*) = nullptr;
    nvml_return (*reasons)(nvml_device, unsigned long long*) = nullptr;
    nvml_return (*driver)(char*, unsigned) = nullptr;
};
api g_api;

template <class F>
void bind(void* lib, F& f, const char* name) {
    f = reinterpret_cast<F>(dlsym(lib, name));
}

} // namespace

bool nvml_probe::open(const std::string& pci_bus_id) {
    lib_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) {
        why_ = "libnvidia-ml.so.1 not found (NVML ships with the NVIDIA driver)";
        return false;
    }
    bind(lib_, g_api.init, "nvmlInit_v2");
    bind(lib_, g_api.shutdown, "nvmlShutdown");
    bind(lib_, g_api.by_pci, "nvmlDeviceGetHandleByPciBusId_v2");
    bind(lib_, g_api.clock, "nvmlDeviceGetClockInfo");
    bind(lib_, g_api.max_clock, "nvmlDeviceGetMaxClockInfo");
    bind(lib_, g_api.temperature, "nvmlDeviceGetTemperature");
    bind(lib_, g_api.power, "nvmlDeviceGetPowerUsage");
    bind(lib_, g_api.power_limit, "nvmlDeviceGetEnforcedPowerLimit");
    bind(lib_, g_api.reasons, "nvmlDeviceGetCurrentClocksEventReasons"); // drivers >= 535
    if (g_api.reasons == nullptr) bind(lib_, g_api.reasons, "nvmlDeviceGetCurrentClocksThrottleReasons");
    bind(lib_, g_api.driver, "nvmlSystemGetDriverVersion");
    if (g_api.init == nullptr || g_api.by_pci == nullptr || g_api.clock == nullptr) {
        why_ = "libnvidia-ml.so.1 lacks nvmlInit_v2 / nvmlDeviceGetHandleByPciBusId_v2";
        return false;
    }
    if (g_api.init() != 0) {
        why_ = "nvmlInit_v2 failed";
        return false;
    }
    initialised_ = true;
    nvml_device d = nullptr;
    if (g_api.by_pci(pci_bus_id.c_str(), &d) != 0 || d == nullptr) {
        why_ = "NVML has no device at PCI bus id " + pci_bus_id;
        return false;
    }
    device_ = d;
    why_.clear();
    return true;
}

nvml_probe::~nvml_probe() {
    if (initialised_ && g_api.shutdown != nullptr) g_api.shutdown();
    // the library stays loaded: other threads may still be returning from it
}

nvml_sample nvml_probe::sample() const {
    nvml_sample s;
    if (device_ == nullptr) return s;
    s.ok = g_api.clock(device_, clock_sm, &s.sm_mhz) == 0;
    if (g_api.clock(device_, clock_mem, &s.mem_mhz) != 0) s.mem_mhz = 0;
    if (g_api.temperature == nullptr || g_api.temperature(device_, temperature_gpu, &s.temp_c) != 0) s.temp_c = 0;
    unsigned mw = 0;
    if (g_api.power != nullptr && g_api.power(device_, &mw) == 0) s.power_w = mw / 1000.0;
    if (g_api.reasons == nullptr || g_api.reasons(device_, &s.reasons) != 0) s.reasons = 0;
    return s;
}

double nvml_probe::power_limit_w() const {
    unsigned mw = 0;
    if (device_ == nullptr || g_api.power_limit == nullptr || g_api.power_limit(device_, &mw) != 0) return 0;
    return mw / 1000.0;
}

unsigned nvml_probe::max_sm_mhz() const {
    unsigned v = 0;
    if (device_ == nullptr || g_api.max_clock == nullptr || g_api.max_clock(device_, clock_sm, &v) != 0) return 0;
    return v;
}

unsigned nvml_probe::max_mem_mhz() const {
    unsigned v = 0;
    if (device_ == nullptr || g_api.max_clock == nullptr || g_api.max_clock(device_, clock_mem, &v) != 0) return 0;
    return v;
}

std::string nvml_probe::driver_version() const {
    char buf[96] = {};
    if (!initialised_ || g_api.driver == nullptr || g_api.driver(buf, sizeof buf) != 0) return "";
    return buf;
}

std::string nvml_reason_names(unsigned long long reasons) {
    struct name {
        unsigned long long bit;
        const char* text;
    };
    const name names[] = {{nvml_reason::applications_clocks, "applications_clocks"},
                          {nvml_reason::sw_power_cap, "sw_power_cap"},
                          {nvml_reason::hw_slowdown, "hw_slowdown"},
                          {nvml_reason::sync_boost, "sync_boost"},
                          {nvml_reason::sw_thermal, "sw_thermal"},
                          {nvml_reason::hw_thermal, "hw_thermal"},
                          {nvml_reason::hw_power_brake, "hw_power_brake"},
                          {nvml_reason::display_clocks, "display_clocks"}};
    std::string out = "[";
    for (const name& n : names)
        if (reasons & n.bit) {
            if (out.size() > 1) out += ", ";
            out += std::string("\"") + n.text + "\"";
        }
    return out + "]";
}

} // namespace vpcal
