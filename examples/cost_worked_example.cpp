// For buyers: the cost of a finished job, and the price at which two GPUs tie.
//
// The example people quote: a job takes 8 h on an A100 at $1.50/h and 3 h on
// an H100 at $3.50/h. Sticker cost per job: $12.00 vs $10.50, so the H100 is
// cheaper per job until its price reaches $4.00/h. Then the worksheet's other
// lines: with 10 failed runs per 100 and 70 % utilisation both costs grow by
// 1.1 / 0.7, and the break-even price stays where it was because both GPUs pay
// the same factors; it moves as soon as they do not.
#include <fmt/core.h>

#include <vidperf/cost/cost.hpp>
#include <vidperf/cost/sensitivity.hpp>

int main() {
    using namespace vidperf;
    cost_inputs<double> a100, h100;
    a100.runtime = seconds(8 * 3600.0);
    a100.price_per_gpu_hour = dollars(1.50);
    h100.runtime = seconds(3 * 3600.0);
    h100.price_per_gpu_hour = dollars(3.50);
    fmt::print("sticker:     A100 ${:.2f}  H100 ${:.2f}  break-even H100 price ${:.2f}/h\n",
               cost_per_job(a100).total.value(), cost_per_job(h100).total.value(),
               break_even_price(a100, h100).value());

    a100.reruns_per_100 = h100.reruns_per_100 = 10;
    a100.utilisation = h100.utilisation = 0.70;
    fmt::print("10 reruns per 100, 70 % utilisation: A100 ${:.2f}  H100 ${:.2f}  break-even ${:.2f}/h\n",
               cost_per_job(a100).total.value(), cost_per_job(h100).total.value(),
               break_even_price(a100, h100).value());

    a100.value_per_hour_of_waiting = h100.value_per_hour_of_waiting = dollars(20);
    fmt::print("waiting valued at $20/h:  A100 ${:.2f}  H100 ${:.2f}  break-even ${:.2f}/h (delivery {:.1f} h vs {:.1f} h)\n",
               cost_per_job(a100).total.value(), cost_per_job(h100).total.value(),
               break_even_price(a100, h100).value(), cost_per_job(a100).delivery.value() / 3600,
               cost_per_job(h100).delivery.value() / 3600);

    fmt::print("which figure matters for the A100 job (elasticity: % cost per % input):\n");
    for (const auto& s : cost_sensitivities(a100))
        fmt::print("  {:<16} {:>8.3f} {:<13} d$/dx {:>9.3f}   elasticity {:>+6.2f}\n", s.input, s.value, s.unit,
                   s.derivative, s.elasticity);
    return 0;
}
