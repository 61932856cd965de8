#pragma once
/// \file
/// Optional stages after the VAE: frame interpolation and super-resolution.
///
/// - Interpolation: RIFE 4.x's IFNet (hzwer/Practical-RIFE): four IFBlocks
///   of widths 192/128/96/64 on the frame pair scaled by 1/8, 1/4, 1/2 and 1;
///   each is two stride-2 3x3 convolutions, eight 3x3 residual convolutions at
///   1/4 of its input and a 4x4 transposed convolution to 24 channels. One
///   IFNet call per new frame: a factor f turns F frames into F + (F-1)(f-1).
/// - Upscaling: Real-ESRGAN's RRDBNet (xinntao/Real-ESRGAN, x4plus: 64
///   features, 23 RRDB blocks of three 5-conv dense blocks growing by 32,
///   two nearest-2x up-samplers, HR conv, last conv; the x2 model unshuffles
///   the input by 2 first, so its body runs at half resolution).

#include <string>

#include <vidperf/core/error.hpp>
#include <vidperf/models/stage.hpp>

namespace vidperf {

namespace detail {
inline conv_op conv2d(extent n, extent cin, extent cout, extent h, extent w, extent k = 3, extent stride = 1) {
    conv_op c;
    c.batch = n;
    c.c_in = cin;
    c.c_out = cout;
    c.input = {1, h, w};
    c.kernel = {1, k, k};
    c.stride = {1, stride, stride};
    c.pad_before = c.pad_after = {0, (k - 1) / 2, (k - 1) / 2};
    if (k % 2 == 0) c.pad_after = {0, k / 2, k / 2}; // even kernels (the transposed conv's equivalent)
    if (k % 2 == 0) c.pad_before = {0, k / 2 - 1, k / 2 - 1};
    return c;
}
} // namespace detail

/// Frames after interpolating by `factor` (1 = none).
[[nodiscard]] constexpr extent interpolated_frames(extent frames, extent factor) {
    return factor <= 1 ? frames : frames + (frames - 1) * (factor - 1);
}

/// RIFE 4.x frame interpolation of `videos` clips of `frames` frames of height x width.
[[nodiscard]] inline stage lower_interpolation(extent frames, extent height, extent width, extent videos,
                                               extent factor, dtype compute) {
    detail::require_in_range(static_cast<double>(factor), 2, 16, "lower_interpolation", "factor");
    stage_builder b("interpolation", "rife-4.x", compute, compute);
    const extent calls = videos * (frames - 1) * (factor - 1);
    constexpr extent widths[4] = {192, 128, 96, 64};
    constexpr extent inputs[4] = {7, 12, 12, 12}; // two frames + timestep (+ warped frames, mask, flow)
    constexpr extent scales[4] = {8, 4, 2, 1};
    for (int i = 0; i < 4; ++i) {
        const extent c = widths[i];
        const extent h = (height + scales[i] - 1) / scales[i], w = (width + scales[i] - 1) / scales[i];
        b.conv(detail::conv2d(1, inputs[i], c / 2, h, w, 3, 2));
        b.conv(detail::conv2d(1, c / 2, c, (h + 1) / 2, w / 2 + w % 2, 3, 2));
        const extent fh = (h + 3) / 4, fw = (w + 3) / 4;
        b.begin_repeat(8);
        b.conv(detail::conv2d(1, c, c, fh, fw));
        b.parameters(static_cast<double>(c)); // the residual scale
        b.elementwise(fh * fw * c, 2, 1, 2);
        b.end_repeat();
        b.conv(detail::conv2d(1, c, 24, fh, fw, 4)); // the 4x4 transposed conv, as its equal-work conv
        b.elementwise(height * width * 5, 1, 1, 2); // bilinear resize of flow and mask
    }
    b.elementwise(height * width * 6, 2, 1, 8); // warp both frames and blend
    return b.finish(static_cast<double>(calls));
}

/// Real-ESRGAN RRDBNet super-resolution by `scale` (2 or 4) of `frames` frames of height x width.
[[nodiscard]] inline stage lower_upscaling(extent frames, extent height, extent width, extent videos, extent scale,
                                           dtype compute) {
    if (scale != 2 && scale != 4)
        detail::raise(errc::out_of_range, "lower_upscaling",
                      "field 'scale' must be 2 or 4 (Real-ESRGAN x2plus / x4plus), got " + std::to_string(scale));
    stage_builder b("upscaling", scale == 4 ? "realesrgan-x4plus" : "realesrgan-x2plus", compute, compute);
    constexpr extent feat = 64, grow = 32, blocks = 23;
    // x2: pixel-unshuffle by 2 (12 channels at half size), then the x4 network
    const extent in_ch = scale == 2 ? 12 : 3;
    const extent h = scale == 2 ? height / 2 : height, w = scale == 2 ? width / 2 : width;
    b.conv(detail::conv2d(1, in_ch, feat, h, w));
    b.begin_repeat(static_cast<double>(blocks * 3)); // 23 RRDB x 3 dense blocks
    for (extent i = 0; i < 4; ++i) {
        b.conv(detail::conv2d(1, feat + i * grow, grow, h, w));
        b.elementwise(h * w * grow, 1, 1, 2); // LeakyReLU
    }
    b.conv(detail::conv2d(1, feat + 4 * grow, feat, h, w));
    b.elementwise(h * w * feat, 2, 1, 2); // scaled residual
    b.end_repeat();
    b.conv(detail::conv2d(1, feat, feat, h, w)); // trunk conv
    b.conv(detail::conv2d(1, feat, feat, 2 * h, 2 * w));
    b.conv(detail::conv2d(1, feat, feat, 4 * h, 4 * w));
    b.conv(detail::conv2d(1, feat, feat, 4 * h, 4 * w)); // HR conv
    b.conv(detail::conv2d(1, feat, 3, 4 * h, 4 * w));
    return b.finish(static_cast<double>(videos * frames));
}

} // namespace vidperf
