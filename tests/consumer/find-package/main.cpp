// Uses vidperf the way an application would: one include, one catalog lookup.
#include <vidperf/vidperf.hpp>

#include <cstdio>
#include <string_view>

int main() {
    const int sms = vidperf::find_gpu("h100-sxm5-80gb").sm_count;
    if (sms != 132) {
        std::printf("unexpected SM count for h100-sxm5-80gb: %d\n", sms);
        return 1;
    }
#ifdef VIDPERF_EXPECTED_VERSION
    if (std::string_view(vidperf::version_string) != VIDPERF_EXPECTED_VERSION) {
        std::printf("header version %s, package version %s\n", vidperf::version_string, VIDPERF_EXPECTED_VERSION);
        return 1;
    }
#endif
    std::printf("vidperf %s: h100-sxm5-80gb has %d SMs\n", vidperf::version_string, sms);
    return 0;
}
