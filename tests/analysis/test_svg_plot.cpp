// SVG plots: well-formed XML, legend and line elements per series, 1-2-5 and decade ticks,
// escaping, determinism, CDF shape, atomic writes.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/svg_plot.hpp"
#include "models/errors.hpp"

using namespace moesim::svg;

namespace {

// A tiny XML well-formedness check: every element closed in order, one root, attribute values
// quoted (quotes balanced), no '<' inside a value, only known entities after '&'.
// Returns "" when well formed, else what went wrong.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  int roots = 0;
  auto entity_ok = [&](std::size_t i) {
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
      if (s.compare(i, std::string(e).size(), e) == 0) return true;
    return false;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '&' && !entity_ok(i)) return "bad entity at " + std::to_string(i);
    if (s[i] == '>') return "stray '>' at " + std::to_string(i);
    if (s[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(s[i])))
        return "text outside the root at " + std::to_string(i);
      ++i;
      continue;
    }
    if (s.compare(i, 2, "<?") == 0) {
      const std::size_t end = s.find("?>", i);
      if (end == std::string::npos || !open.empty() || roots) return "misplaced <?";
      i = end + 2;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", i);
      if (end == std::string::npos) return "unclosed comment";
      i = end + 3;
      continue;
    }
    const bool closing = s.compare(i, 2, "</") == 0;
    i += closing ? 2 : 1;
    const std::size_t name_start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' ||
                            s[i] == ':' || s[i] == '_'))
      ++i;
    const std::string name = s.substr(name_start, i - name_start);
    if (name.empty()) return "empty tag name at " + std::to_string(i);
    // Attributes: name="value" pairs until '>' or '/>'.
    while (i < s.size() && s[i] != '>' && s[i] != '/') {
      if (std::isspace(static_cast<unsigned char>(s[i]))) {
        ++i;
        continue;
      }
      if (closing) return "attribute in a closing tag " + name;
      while (i < s.size() && s[i] != '=' && s[i] != '>' && !std::isspace(s[i])) ++i;
      if (i + 1 >= s.size() || s[i] != '=' || (s[i + 1] != '"' && s[i + 1] != '\''))
        return "unquoted attribute in " + name;
      const char q = s[i + 1];
      const std::size_t end = s.find(q, i + 2);
      if (end == std::string::npos) return "unbalanced quote in " + name;
      for (std::size_t j = i + 2; j < end; ++j) {
        if (s[j] == '<') return "'<' in an attribute of " + name;
        if (s[j] == '&' && !entity_ok(j)) return "bad entity in an attribute of " + name;
      }
      i = end + 1;
    }
    const bool self_closing = i < s.size() && s[i] == '/';
    if (self_closing) ++i;
    if (i >= s.size() || s[i] != '>') return "unterminated tag " + name;
    ++i;
    if (closing) {
      if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
      open.pop_back();
    } else {
      if (open.empty() && ++roots > 1) return "second root " + name;
      if (!self_closing) open.push_back(name);
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return roots == 1 ? "" : "no root element";
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::string legend_of(const std::string& svg) {
  const std::size_t a = svg.find("<g class=\"legend\">");
  return a == std::string::npos ? "" : svg.substr(a, svg.find("</g>\n</svg>", a) - a);
}

// True when v is k * step for an integer k and step is 1, 2 or 5 times a power of ten.
bool is_125_multiple(double v, double step) {
  const double e = std::floor(std::log10(step) + 1e-9), m = step / std::pow(10.0, e);
  const bool step_ok =
      std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9;
  const double k = v / step;
  return step_ok && std::fabs(k - std::round(k)) < 1e-6;
}

// Every number in the d attributes of the elements of class `cls` (x, y alternate).
std::vector<double> path_numbers(const std::string& svg, const std::string& cls) {
  std::vector<double> out;
  const std::string key = "class=\"" + cls + "\" d=\"";
  for (std::size_t a = svg.find(key); a != std::string::npos; a = svg.find(key, a + 1)) {
    const std::size_t from = a + key.size();
    std::istringstream in(svg.substr(from, svg.find('"', from) - from));
    for (std::string tok; in >> tok;) {
      if (std::isalpha(static_cast<unsigned char>(tok[0]))) tok = tok.substr(1);
      if (!tok.empty()) out.push_back(std::stod(tok));
    }
  }
  return out;
}

Plot two_series() {
  Plot p;
  p.title = "Throughput vs batch";
  p.x = {"batch size", false, {}, {}};
  p.y = {"tokens/s", false, {}, {}};
  p.series.push_back({"vLLM-like", {1, 2, 4, 8, 16}, {100, 190, 350, 600, 900}});
  p.series.push_back({"MoE EP=8", {1, 2, 4, 8, 16}, {80, 170, 330, 640, 1150}});
  return p;
}

}  // namespace

TEST_CASE("the tag-balance checker rejects broken XML") {
  CHECK(xml_problem("<a><b/></a>").empty());
  CHECK_FALSE(xml_problem("<a><b></a>").empty());
  CHECK_FALSE(xml_problem("<a x=\"1></a>").empty());
  CHECK_FALSE(xml_problem("<a>x & y</a>").empty());
  CHECK_FALSE(xml_problem("<a>1 < 2</a>").empty());
}

TEST_CASE("a line plot is well-formed XML with one line path and a legend entry per series") {
  const Plot p = two_series();
  const std::string svg = render_line_plot(p);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("viewBox=\"0 0 800 500\"") != std::string::npos);
  CHECK(count(svg, "class=\"series-line\"") == 2);
  const std::string legend = legend_of(svg);
  for (const Series& s : p.series)
    CHECK(legend.find(">" + s.name + "</text>") != std::string::npos);
  CHECK(svg.find(">Throughput vs batch</text>") != std::string::npos);
  CHECK(svg.find("no data") == std::string::npos);
}

TEST_CASE("a scatter plot draws no series lines and joins the highlighted points as one front") {
  Plot p = two_series();
  p.highlight = {{16, 1150}, {1, 100}, {8, 640}};
  const std::string svg = render_scatter(p);
  CHECK(xml_problem(svg) == "");
  CHECK(count(svg, "class=\"series-line\"") == 0);
  CHECK(count(svg, "class=\"front\"") == 1);
  CHECK(legend_of(svg).find(">front</text>") != std::string::npos);
  // The line plot rings the same points but does not join them.
  CHECK(count(render_line_plot(p), "class=\"front\"") == 0);
}

TEST_CASE("linear ticks are integer multiples of a 1-2-5 step and cover the data") {
  const double ranges[][2] = {{0, 1}, {0.013, 0.87}, {-3, 17}, {120, 4321}, {1e-6, 3e-6},
                              {5, 5}, {-250, -20},   {0, 1e9}, {0.1, 0.3}};
  for (const auto& r : ranges) {
    CAPTURE(r[0]);
    CAPTURE(r[1]);
    const Ticks t = make_ticks(Axis{}, r[0], r[1], 6);
    CHECK(t.lo <= r[0]);
    CHECK(t.hi >= r[1]);
    REQUIRE(t.major.size() >= 2);
    CHECK(t.major.size() <= 12);
    for (double v : t.major) CHECK(is_125_multiple(v, t.step));
    CHECK(t.major.front() == doctest::Approx(t.lo));  // a free range ends on ticks
    CHECK(t.major.back() == doctest::Approx(t.hi));
  }
  // 0..1 in about 6 steps: 1/6 = 0.167 rounds to the step 0.2; labels are exact decimals.
  const Ticks unit = make_ticks(Axis{}, 0, 1, 6);
  CHECK(unit.step == doctest::Approx(0.2));
  CHECK(format_number(unit.major[3]) == "0.6");
}

TEST_CASE("fixed axis ends are kept exactly and ticks stay inside them") {
  Axis a;
  a.min = 0.5;
  a.max = 9.5;
  const Ticks t = make_ticks(a, 2, 3, 6);
  CHECK(t.lo == 0.5);
  CHECK(t.hi == 9.5);
  for (double v : t.major) CHECK((v >= 0.5 && v <= 9.5 && is_125_multiple(v, t.step)));
  a.max = 0.5;
  CHECK_THROWS_AS((void)make_ticks(a, 2, 3, 6), moesim::ConfigError);
  Axis lg;
  lg.log = true;
  lg.min = 0.0;
  CHECK_THROWS_AS((void)make_ticks(lg, 2, 3, 6), moesim::ConfigError);
}

TEST_CASE("log axis ticks are powers of ten") {
  Axis a;
  a.log = true;
  const double ranges[][2] = {{3, 4}, {0.002, 870}, {1, 1e12}, {7e-9, 3e-2}, {10, 10}};
  for (const auto& r : ranges) {
    CAPTURE(r[0]);
    const Ticks t = make_ticks(a, r[0], r[1], 7);
    CHECK(t.lo <= r[0]);
    CHECK(t.hi >= r[1]);
    REQUIRE(t.major.size() >= 2);
    CHECK(t.major.size() <= 10);
    for (double v : t.major) {
      const double e = std::log10(v);
      CHECK(std::fabs(e - std::round(e)) < 1e-12);
    }
  }
  // 0.002..870 widens to the decades 1e-3..1e3: seven labels, minor ticks 2..9 between them.
  const Ticks t = make_ticks(a, 0.002, 870, 7);
  CHECK(t.major.size() == 7);
  CHECK(t.minor.size() == 6 * 8);
  // Twelve decades at 7 labels: every second decade is labelled.
  CHECK(make_ticks(a, 1, 1e12, 7).step == 2);
}

TEST_CASE("numbers on axes are compact") {
  CHECK(format_number(0) == "0");
  CHECK(format_number(0.25) == "0.25");
  CHECK(format_number(120) == "120");
  CHECK(format_number(1000) == "1k");
  CHECK(format_number(1500) == "1.5k");
  CHECK(format_number(10000) == "10k");
  CHECK(format_number(2e6) == "2M");
  CHECK(format_number(-3e9) == "-3G");
  CHECK(format_number(0.001) == "1e-3");
  CHECK(format_number(0.0025) == "2.5e-3");
  CHECK(format_number(1e15) == "1e15");
  CHECK(format_number(0.3 * 3) == "0.9");
}

TEST_CASE("text is XML-escaped in names, titles and labels") {
  Plot p = two_series();
  p.title = "a<b & c>d";
  p.x.label = "\"quoted\" 'x'";
  p.series[0].name = "<script>&amp";
  const std::string svg = render_line_plot(p);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(legend_of(svg).find("&lt;script&gt;&amp;amp") != std::string::npos);
  CHECK(svg.find("a&lt;b &amp; c&gt;d") != std::string::npos);
  CHECK(svg.find("&quot;quoted&quot; &apos;x&apos;") != std::string::npos);
  CHECK(xml_escape(std::string("a\x01z")) == "a z");
}

TEST_CASE("rendering is deterministic") {
  Plot p = two_series();
  p.highlight = {{4, 350}, {16, 1150}};
  CHECK(render_line_plot(p) == render_line_plot(p));
  CHECK(render_scatter(p) == render_scatter(p));
  const std::vector<std::pair<std::string, std::vector<double>>> s = {{"a", {3, 1, 2}}};
  CHECK(render_cdf("t", "x", s, false) == render_cdf("t", "x", s, false));
}

TEST_CASE("NaN and infinite points are skipped and break the line") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Plot p;
  p.series.push_back({"gappy", {1, 2, 3, 4, 5, 6}, {1, 2, nan, 4, inf, 6}});
  const std::string svg = render_line_plot(p);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(count(svg, "class=\"series-line\"") == 1);
  // Points 1-2 join; 4 and 6 are isolated, so the one path has a single segment.
  const std::size_t a = svg.find("class=\"series-line\" d=\"");
  const std::string d = svg.substr(a, svg.find('"', a + 24) - a);
  CHECK(count(d, "M") == 1);
  CHECK(count(d, "L") == 1);
}

TEST_CASE("an empty plot renders axes and a no data note") {
  Plot p;
  p.title = "nothing yet";
  p.series.push_back({"empty", {}, {}});
  for (const std::string& svg :
       {render_line_plot(p), render_scatter(p), render_cdf("c", "x", {{"none", {}}}, true)}) {
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find(">no data</text>") != std::string::npos);
    CHECK(svg.find("class=\"ticks\"") != std::string::npos);
    CHECK(count(svg, "class=\"series-line\"") == 0);
  }
  CHECK(legend_of(render_line_plot(p)).find(">empty</text>") != std::string::npos);
}

TEST_CASE("the empirical CDF steps from 0 to exactly 1") {
  const auto c = empirical_cdf({3, 1, std::nan(""), 2, 2});
  // Sorted finite values 1 2 2 3 (n = 4): F jumps to 1/4 at 1, to 3/4 at 2, to 1 at 3.
  const std::vector<std::pair<double, double>> want = {{1, 0},    {1, 0.25}, {2, 0.25}, {2, 0.5},
                                                       {2, 0.75}, {3, 0.75}, {3, 1}};
  CHECK(c == want);
  std::vector<double> many;
  for (int i = 0; i < 10007; ++i) many.push_back(std::sin(i) * 100);
  const auto d = empirical_cdf(many, 100);
  CHECK(d.back().second == 1.0);
  CHECK(d.front().second == 0.0);
  CHECK(d.size() <= 2 * 100 + 1);
  for (std::size_t i = 1; i < d.size(); ++i)
    CHECK((d[i].first >= d[i - 1].first && d[i].second >= d[i - 1].second));
  const std::string svg =
      render_cdf("TTFT", "seconds", {{"a", {0.1, 0.5, 2}}, {"b", {1, 3}}}, true);
  CHECK(xml_problem(svg) == "");
  CHECK(count(svg, "class=\"series-line\"") == 2);
  // Drawn, the single curve ends on the top edge of the plot area (y = 40 px), where F = 1.
  const std::vector<double> one =
      path_numbers(render_cdf("t", "x", {{"a", many}}, false), "series-line");
  REQUIRE(one.size() >= 2);
  CHECK(one.back() == doctest::Approx(40));
}

TEST_CASE("write_svg leaves the complete file and no partial one") {
  const auto dir = std::filesystem::temp_directory_path() / "moesim_svg_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "plot.svg").string();
  const std::string svg = render_line_plot(two_series());
  write_svg(path, svg);
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == svg);
  CHECK_FALSE(std::filesystem::exists(path + ".partial"));
  CHECK_THROWS_AS(write_svg((dir / "missing" / "x.svg").string(), svg), moesim::InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("lines past a fixed axis range are clipped to the plot area") {
  Plot p;
  p.y.min = 0.0;
  p.y.max = 10.0;
  p.series.push_back({"steep", {0, 1, 2, 3}, {0, 5, 1e9, -1e12}});
  const std::string svg = render_line_plot(p);
  CHECK(xml_problem(svg) == "");
  const std::vector<double> d = path_numbers(svg, "series-line");
  REQUIRE(d.size() >= 4);
  for (std::size_t i = 0; i + 1 < d.size(); i += 2) {
    CHECK((d[i] >= 0 && d[i] <= 800));
    CHECK((d[i + 1] >= 0 && d[i + 1] <= 500));
  }
}

TEST_CASE("the front joins the highlighted points in x order") {
  Plot p;
  p.series.push_back({"runs", {1, 2, 3, 2.5}, {3, 2, 1, 0.5}});
  p.highlight = {{3, 1}, {1, 3}, {2, 2}, {std::nan(""), 1}};
  const std::vector<double> d = path_numbers(render_scatter(p), "front");
  REQUIRE(d.size() == 6);  // three points; the NaN one is skipped
  CHECK(d[0] < d[2]);
  CHECK(d[2] < d[4]);
}

TEST_CASE("the legend avoids the corner where the data is") {
  Plot p;
  Series s{"crowd", {}, {}, true, false};
  for (int i = 0; i <= 20; ++i) s.x.push_back(i * 0.05), s.y.push_back(10 - i * 0.05);
  s.x.push_back(10), s.y.push_back(0);  // sets the range; the crowd sits top-left
  p.series.push_back(s);
  const std::string legend = legend_of(render_line_plot(p));
  const std::size_t at = legend.find("<rect x=\"");
  REQUIRE(at != std::string::npos);
  std::istringstream in(legend.substr(at + 9));
  double x = 0;
  in >> x;
  CHECK(x > 400);  // top-right: the first corner after top-left
}

TEST_CASE("a fixed log range without two powers of ten labels 2 to 9 times them") {
  Axis a;
  a.log = true;
  a.min = 2.0;
  a.max = 8.0;
  const Ticks t = make_ticks(a, 3, 4, 7);
  CHECK(t.lo == doctest::Approx(2));
  CHECK(t.hi == doctest::Approx(8));
  const std::vector<double> want = {2, 3, 4, 5, 6, 7, 8};
  REQUIRE(t.major.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(t.major[i] == doctest::Approx(want[i]));
}
