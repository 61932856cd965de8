#pragma once
// Clocks, temperature, power and clock-event (throttle) reasons from NVML.
// libnvidia-ml.so.1 comes with the driver and is opened at run time (dlopen),
// so vidperf-calibrate starts, prints --help and plans without a driver; when
// NVML is absent the records say so and only the clock64() check remains.
#include <string>

namespace vpcal {

struct nvml_sample {
    bool ok = false;
    unsigned sm_mhz = 0, mem_mhz = 0, temp_c = 0;
    double power_w = 0;
    unsigned long long reasons = 0; ///< clock-event reason bits (nvmlClocksEventReason*)
};

/// Clock-event reason bits (the values of NVML's nvmlClocksEventReason* /
/// nvmlClocksThrottleReason* constants).
namespace nvml_reason {
inline constexpr unsigned long long gpu_idle = 0x1ULL;
inline constexpr unsigned long long applications_clocks = 0x2ULL;
inline constexpr unsigned long long sw_power_cap = 0x4ULL;
inline constexpr unsigned long long hw_slowdown = 0x8ULL;
inline constexpr unsigned long long sync_boost = 0x10ULL;
inline constexpr unsigned long long sw_thermal = 0x20ULL;
inline constexpr unsigned long long hw_thermal = 0x40ULL;
inline constexpr unsigned long long hw_power_brake = 0x80ULL;
inline constexpr unsigned long long display_clocks = 0x100ULL;
/// Reasons that mark a measurement throttled: thermal and hardware slowdowns.
/// The software power cap is reported but does not mark it: a GPU at its power
/// limit under sustained load is the regime real jobs run in.
inline constexpr unsigned long long throttling = hw_slowdown | sw_thermal | hw_thermal | hw_power_brake;
} // namespace nvml_reason

class nvml_probe {
public:
    /// Opens NVML and finds the device with this PCI bus id ("0000:3B:00.0").
    /// Returns false (and keeps why()) when NVML or the device is not there.
    bool open(const std::string& pci_bus_id);
    [[nodiscard]] bool available() const { return device_ != nullptr; }
    [[nodiscard]] const std::string& why() const { return why_; }
    [[nodiscard]] nvml_sample sample() const;
    [[nodiscard]] double power_limit_w() const;
    [[nodiscard]] unsigned max_sm_mhz() const;
    [[nodiscard]] unsigned max_mem_mhz() const;
    [[nodiscard]] std::string driver_version() const;
    ~nvml_probe();

private:
    void* lib_ = nullptr;
    void* device_ = nullptr;
    std::string why_ = "not opened";
    bool initialised_ = false;
};

/// JSON array of the names of the set reason bits (gpu_idle left out).
[[nodiscard]] std::string nvml_reason_names(unsigned long long reasons);

} // namespace vpcal
