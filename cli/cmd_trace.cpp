// moesim trace convert IN OUT | trace stats FILE.
#include <cstdio>

#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "workloads/trace_tools.hpp"

namespace moesim {
namespace {

// --format wins; only without it is the format guessed from the extension (which throws for
// an unknown one, so it must not run when --format is given).
std::string format_of(const Args& a, const std::string& path) {
  if (auto f = a.get("format")) return *f;
  return detect_trace_format(path);
}

}  // namespace

int cmd_trace(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("trace"));
  const auto& p = a.positionals();
  if (p.size() == 3 && p[0] == "convert") {
    const std::string fmt = format_of(a, p[1]);
    convert_trace(fmt, p[1], p[2]);
    std::printf("wrote %s\n", p[2].c_str());
    return 0;
  }
  if (p.size() == 2 && p[0] == "stats") {
    const std::string fmt = format_of(a, p[1]);
    const TraceStats s = trace_stats(fmt, p[1]);
    std::printf("%s (%s)\n", p[1].c_str(), fmt.c_str());
    std::printf("  requests        %lld\n", static_cast<long long>(s.requests));
    std::printf("  duration        %.1f s (mean rate %.3f req/s)\n", s.duration_s, s.mean_rate);
    std::printf("  prompt tokens   mean %.1f  p50 %.0f  p99 %.0f\n", s.mean_prompt, double(s.p50_prompt),
                double(s.p99_prompt));
    std::printf("  output tokens   mean %.1f  p50 %.0f  p99 %.0f\n", s.mean_output, double(s.p50_output),
                double(s.p99_output));
    return 0;
  }
  throw UsageError(a.usage());
}

}  // namespace moesim
