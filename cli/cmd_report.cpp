// moesim report DIR [--out FILE.html] [--objective KEY] [--minimize] [--constraint EXPR]...
// [--top K]: one self-contained HTML page (analysis/report_page.hpp) for a run folder or a sweep
// folder, written atomically (default DIR/report.html).
#include <iostream>

#include "analysis/atomic_file.hpp"
#include "analysis/report_page.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"

namespace moesim {

int cmd_report(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("report"));
  if (a.positionals().size() != 1) throw UsageError(a.usage());
  const std::string dir = a.positionals()[0];
  SweepReportRequest req;
  if (const auto o = a.get("objective")) req.objective = *o;
  req.minimize = a.has("minimize");
  req.constraints = a.all("constraint");
  const long long top = a.get_int_in("top", 10);
  req.top = std::size_t(top);
  // Everything is read and rendered before anything is written: bad input leaves no file.
  const std::string html = render_report(dir, req, a.has("objective"));
  const std::string out = a.get_or("out", dir + "/report.html");
  write_file_atomic(out, html);
  std::cout << "written: " << out << "\n";
  return 0;
}

}  // namespace moesim
