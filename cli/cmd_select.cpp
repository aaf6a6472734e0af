// moesim select RESULTS.csv --objective KEY [--minimize] [--constraint EXPR]... [--top K]
// [--x EXPR [--x-minimize]] [--y EXPR [--y-minimize]] [--out DIR]: the ranked table of the best
// configurations of a sweep (printed, and written as selection.md and selection.csv), with the
// Pareto plot pareto.svg on the chosen axes.
#include <filesystem>
#include <iostream>

#include "analysis/atomic_file.hpp"
#include "analysis/selection.hpp"
#include "analysis/svg_plot.hpp"
#include "analysis/sweep_results.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/output_lock.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"
#include "scenarios/diagnostics.hpp"

namespace moesim {
namespace {

// The swept columns: from the sweep.json beside the table; without one (a table from elsewhere),
// the columns between status and the first summary key, `cost.*` (priced runs) or `devices`
// (metric keys are sorted and every summary.json has it), or else up to `error`.
std::vector<std::string> knob_columns(const std::string& csv_path, const CsvTable& t) {
  const auto manifest = std::filesystem::path(csv_path).parent_path() / "sweep.json";
  if (std::filesystem::exists(manifest))
    return read_manifest(manifest.string()).columns;
  std::vector<std::string> out;
  bool after_status = false;
  for (const auto& h : t.header) {
    if (h == "devices" || h == "error" || h.rfind("cost.", 0) == 0) break;
    if (after_status) out.push_back(h);
    after_status = after_status || h == "status";
  }
  return out;
}

// "did you mean" for a column: the nearest name, else the few columns containing the word
// (metric names are long: 'throughput' is far from every column by edit distance).
std::string column_hint(const std::string& word, const std::vector<std::string>& columns) {
  std::vector<std::string> containing;
  for (const auto& c : columns) {
    if (c.find(word) != std::string::npos) containing.push_back("'" + c + "'");
  }
  if (!closest_match(word, columns).empty() || containing.empty() || containing.size() > 6) {
    return suggestion_text(word, columns, "columns");
  }
  std::string out = "did you mean ";
  for (std::size_t i = 0; i < containing.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == containing.size() ? " or " : ", ") + containing[i];
  }
  return out + "?";
}

}  // namespace

int cmd_select(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("select"));
  if (a.positionals().size() != 1 || !a.has("objective")) {
    throw UsageError(a.usage());
  }
  const std::string csv_path = a.positionals()[0];
  const std::string csv_text = read_file(csv_path);
  // A results.csv written by moesim ends with a newline; one cut short (a copy interrupted, a
  // disk that filled) would otherwise be ranked without its last rows.
  if (!csv_text.empty() && csv_text.back() != '\n') {
    throw InputError(csv_path + ": the last line ends without a newline: the file is truncated");
  }
  const CsvTable table = parse_csv(csv_text, csv_path);
  SelectionRequest req;
  req.objective = *a.get("objective");
  req.minimize = a.has("minimize");
  for (const auto& c : a.all("constraint")) req.constraints.push_back(parse_constraint(c));
  const long long top = a.get_int("top", 10);
  if (top < 1) throw UsageError("--top expects a positive integer, got " + std::to_string(top));
  req.top = std::size_t(top);
  req.knobs = knob_columns(csv_path, table);
  if (const auto x = a.get("x")) req.x = {*x, false, "", "--x"};
  if (const auto y = a.get("y")) req.y = {*y, false, "", "--y"};
  req.x.minimize = a.has("x-minimize");
  req.y.minimize = a.has("y-minimize");
  const Selection s = select_points(table, req, column_hint);
  // Everything is computed before anything is written: an error leaves no output.
  const std::string md = selection_markdown(table, req, s);
  const std::string csv = selection_csv(table, req, s);
  const std::string svg = pareto_svg(table, req, s);
  const std::string parent = std::filesystem::path(csv_path).parent_path().string();
  const std::string out = a.get_or("out", parent.empty() ? "." : parent);
  // One writer per folder, as sweep: the sweep folder a results.csv lies in may be running.
  const OutputLock lock(out, "select");
  write_file_atomic(out + "/selection.md", md);
  write_file_atomic(out + "/selection.csv", csv);
  svg::write_svg(out + "/pareto.svg", svg);
  std::cout << md << "\nwritten: " << out << "/selection.md, selection.csv, pareto.svg\n";
  return 0;
}

}  // namespace moesim
