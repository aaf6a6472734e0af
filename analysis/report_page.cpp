#include "analysis/report_page.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "analysis/report_assets.hpp"  // generated: kReportHtml, kReportCss, kReportJs
#include "analysis/report_run.hpp"
#include "analysis/svg_plot.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Replaces each @NAME@ of `tpl` once, left to right; substituted text is not scanned again, so
// data holding "@DATA@" stays as it is.
std::string fill(const std::string& tpl, const std::vector<std::pair<std::string, std::string>>& v) {
  std::string out;
  std::size_t i = 0;
  while (i < tpl.size()) {
    bool done = false;
    if (tpl[i] == '@') {
      for (const auto& [name, text] : v) {
        const std::string token = "@" + name + "@";
        if (tpl.compare(i, token.size(), token) == 0) {
          out += text;
          i += token.size();
          done = true;
          break;
        }
      }
    }
    if (!done) out += tpl[i++];
  }
  return out;
}

}  // namespace

ReportKind report_kind(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": no such folder");
  if (fs::exists(fs::path(dir) / "summary.json", ec)) return ReportKind::run;
  if (fs::exists(fs::path(dir) / "results.csv", ec)) return ReportKind::sweep;
  throw InputError(dir +
                   ": neither a run folder (summary.json, from moesim run --out) nor a sweep "
                   "folder (results.csv, from moesim sweep --out)");
}

std::string render_report(const std::string& dir, const SweepReportRequest& request,
                          bool objective_given) {
  if (report_kind(dir) == ReportKind::run) {
    const RunReport r = gather_run_report(dir);
    return render_report_page("moesim run: " + r.title, run_report_json(r));
  }
  const SweepReport s = gather_sweep_report(dir, request, objective_given);
  return render_report_page("moesim sweep: " + s.title, sweep_report_json(s));
}

std::string render_report_page(const std::string& title, const std::string& data_json) {
  return fill(kReportHtml, {{"TITLE", svg::xml_escape(title)},
                            {"STYLE", kReportCss},
                            {"SCRIPT", kReportJs},
                            {"DATA", script_safe_json(data_json)}});
}

double report_number(double v) {
  if (!std::isfinite(v)) return v;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

std::string script_safe_json(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '/': out += "\\/"; break;
      case '=': out += "\\u003d"; break;  // no "src=" or "href=" in the data either
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string> external_references(const std::string& html) {
  const std::string low = lower(html);
  std::vector<std::string> found;
  const auto report = [&](std::size_t at) {
    const std::size_t b = at < 30 ? 0 : at - 30;
    std::string ctx = html.substr(b, 80);
    for (auto& c : ctx) {
      if (c == '\n') c = ' ';
    }
    found.push_back("offset " + std::to_string(at) + ": " + ctx);
  };
  for (const char* needle : {"://", "@import"}) {
    for (auto at = low.find(needle); at != std::string::npos; at = low.find(needle, at + 1)) {
      report(at);
    }
  }
  for (const char* attr : {"src=", "href=", "url("}) {
    for (auto at = low.find(attr); at != std::string::npos; at = low.find(attr, at + 1)) {
      std::size_t v = at + std::string(attr).size();
      while (v < low.size() && (low[v] == '"' || low[v] == '\'' || low[v] == ' ')) ++v;
      if (low.compare(v, 1, "#") != 0 && low.compare(v, 5, "data:") != 0) report(at);
    }
  }
  return found;
}

}  // namespace moesim
