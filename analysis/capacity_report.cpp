#include "analysis/capacity_report.hpp"

#include <cstdio>

#include "analysis/duration_format.hpp"
#include "analysis/json_writer.hpp"
#include "analysis/sweep_results.hpp"
#include "models/errors.hpp"

namespace moesim {
namespace {

std::string g4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string load_text(const CapacityReport& r, double load) {
  return r.over == "rate" ? g4(load) + " req/s" : g4(load) + " in flight";
}

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", share * 100);
  return buf;
}

std::string slo_list(const CapacityReport& r) {
  std::string s;
  for (const auto& t : r.slos) s += (s.empty() ? "" : ", ") + t.text;
  return s;
}

}  // namespace

double CapacityReport::capacity_rps() const {
  if (!search.capacity) return 0;
  if (over == "rate") return *search.capacity;
  return at_capacity ? at_capacity->requests_per_s : 0;
}

double CapacityReport::capacity_per_device() const {
  const long long d = at_capacity ? at_capacity->devices : 1;
  return capacity_rps() / double(d > 0 ? d : 1);
}

std::vector<std::string> slo_metrics(const std::vector<SloTarget>& slos) {
  std::vector<std::string> out;
  for (const auto& t : slos) {
    for (const auto& metric : t.metrics) {
      bool seen = false;
      for (const auto& m : out) seen = seen || m == metric;
      if (!seen) out.push_back(metric);
    }
  }
  return out;
}

std::string capacity_table(const CapacityReport& r) {
  std::string head = "| probe | " + std::string(r.over == "rate" ? "rate (req/s)" : "concurrency") +
                     " | attainment |";
  std::string rule = "|---:|---:|---:|";
  for (const auto& m : r.metrics) {
    head += " " + m + " p50 | " + m + " p90 |";
    rule += "---:|---:|";
  }
  std::string out = head + " pass |\n" + rule + ":---:|\n";
  for (std::size_t i = 0; i < r.search.probes.size(); ++i) {
    const CapacityProbe& p = r.search.probes[i];
    out += "| " + std::to_string(i + 1) + " | " + g4(p.load) + " | " + percent(p.attainment) + " |";
    for (std::size_t k = 0; k < r.metrics.size(); ++k) {
      const DistributionSummary& s = r.probe_metrics[i][k];
      if (s.count == 0) {
        out += " n/a | n/a |";
      } else {
        out += ' ';
        out += format_duration(s.p50);
        out += " | ";
        out += format_duration(s.p90);
        out += " |";
      }
    }
    out += std::string(" ") + (p.pass ? "yes" : "no") + " |\n";
  }
  return out;
}

std::string capacity_answer(const CapacityReport& r) {
  const auto& s = r.search;
  std::string out;
  const std::string need = percent(r.level) + " of requests meeting " + slo_list(r);
  if (!s.capacity) {
    out += "No capacity: the lowest load probed";
    if (!s.probes.empty()) out += " (" + load_text(r, s.probes.back().load) + ")";
    out += " already misses " + need + ".\n";
  } else {
    out += "Capacity: " + load_text(r, *s.capacity);
    if (r.over == "concurrency") out += " = " + g4(r.capacity_rps()) + " req/s";
    out += " (" + g4(r.capacity_per_device()) + " req/s per device over " +
           std::to_string(r.at_capacity ? r.at_capacity->devices : 1) + " device(s)";
    if (r.at_capacity) out += ", " + g4(r.at_capacity->output_tokens_per_s) + " output tokens/s";
    out += ") with " + need + ".\n";
    switch (s.status) {
      case CapacityStatus::kBracketed:
        out += "Bracket: passes at " + g4(*s.capacity) + ", fails at " + g4(*s.lowest_fail) +
               ".\n";
        break;
      case CapacityStatus::kMaxRuns:
        out += "Stopped at --max-runs: passes at " + g4(*s.capacity) +
               (s.lowest_fail ? ", fails at " + g4(*s.lowest_fail) : std::string(", no failure")) +
               "; the capacity is at least the former.\n";
        break;
      case CapacityStatus::kNoFailure:
        out += "No failing load found within --max-runs: the capacity is at least " +
               g4(*s.capacity) + ".\n";
        break;
      case CapacityStatus::kHighPasses:
        out += "--high passes: the capacity is at least " + g4(*s.capacity) + ".\n";
        break;
      case CapacityStatus::kLowestFails:
        break;
    }
  }
  for (const auto& n : s.non_monotone) {
    out += "Not monotone: " + percent(n.higher_attainment) + " at " + g4(n.higher_load) +
           " is above " + percent(n.lower_attainment) + " at " + g4(n.lower_load) + ".\n";
  }
  return out;
}

std::string capacity_markdown(const CapacityReport& r) {
  return "# Capacity of " + r.scenario + "\n\nSearched over " + r.over + "; a load passes when " +
         percent(r.level) + " of its requests meet every objective: " + slo_list(r) + ".\n\n" +
         capacity_table(r) + "\n" + capacity_answer(r);
}

std::string capacity_json(const CapacityReport& r) {
  JsonWriter j;
  j.begin_object();
  j.field("scenario", r.scenario).field("over", r.over);
  j.key("slos").begin_array();
  for (const auto& t : r.slos) j.value(t.text);
  j.end_array();
  j.field("attainment", r.level);
  j.field("status", capacity_status_name(r.search.status));
  const auto load = [&](const char* k, const std::optional<double>& v) {
    if (v)
      j.field(k, *v);
    else
      j.key(k).null();
  };
  load("capacity_load", r.search.capacity);
  load("lowest_failing_load", r.search.lowest_fail);
  j.field("capacity_rps", r.capacity_rps());
  j.field("capacity_per_device", r.capacity_per_device());
  if (r.at_capacity) {
    j.field("devices", r.at_capacity->devices);
    j.field("capacity_output_tokens_per_s", r.at_capacity->output_tokens_per_s);
    const auto i = r.search.capacity_probe();
    j.field("capacity_attainment", i ? r.search.probes[*i].attainment : 0.0);
  } else {
    j.key("devices").null();
    j.key("capacity_output_tokens_per_s").null();
    j.key("capacity_attainment").null();
  }
  j.key("probes").begin_array();
  for (std::size_t i = 0; i < r.search.probes.size(); ++i) {
    const CapacityProbe& p = r.search.probes[i];
    j.begin_object();
    j.field("load", p.load).field("attainment", p.attainment).field("pass", p.pass);
    for (std::size_t k = 0; k < r.metrics.size(); ++k) {
      const DistributionSummary& s = r.probe_metrics[i][k];
      j.key(r.metrics[k] + "_s").begin_object();
      j.field("p50", s.p50).field("p90", s.p90).field("count", s.count);
      j.end_object();
    }
    j.end_object();
  }
  j.end_array();
  j.key("non_monotone").begin_array();
  for (const auto& n : r.search.non_monotone) {
    j.begin_object();
    j.field("lower_load", n.lower_load).field("lower_attainment", n.lower_attainment);
    j.field("higher_load", n.higher_load).field("higher_attainment", n.higher_attainment);
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

FlatJson capacity_sweep_metrics(const std::string& capacity_json_text,
                                const std::string& summary_json) {
  const FlatJson c = flatten_json(capacity_json_text);
  FlatJson out = summary_json.empty() ? FlatJson{} : summary_metrics(summary_json);
  for (const char* k : {"capacity_rps", "capacity_per_device", "capacity_attainment",
                        "capacity_load", "capacity_output_tokens_per_s", "status"}) {
    const FlatValue* v = find_flat(c, k);
    if (!v) throw InputError(std::string("capacity.json has no '") + k + "'");
    const std::string key = std::string(k) == "status" ? "capacity_status" : k;
    std::erase_if(out, [&](const auto& kv) { return kv.first == key; });
    out.emplace_back(key, *v);
  }
  return out;
}

}  // namespace moesim
