#include "analysis/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "analysis/atomic_file.hpp"
#include "models/errors.hpp"

namespace moesim::svg {
namespace {

// Canvas; the plot area leaves room for the title above and tick labels and x label below.
constexpr double kW = 800, kH = 500, kTop = 40, kBottom = kH - 52;
constexpr double kGlyph = 0.62;  // average glyph width / font size (DejaVu Sans)
// Okabe-Ito: distinguishable with the common colour-vision deficiencies; yellow last (faint).
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                "#CC79A7", "#56B4E9", "#000000", "#F0E442"};
constexpr std::size_t kColours = std::size(kPalette);

std::string fmt(const char* spec, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

// Coordinates: two decimals (0.01 px is below any renderer's precision), trailing zeros cut.
std::string num(double v) {
  std::string s = fmt("%.2f", v);
  while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) s.pop_back();
  return s == "-0" ? "0" : s;
}

struct Pt {
  double x, y;
};
std::string xy(Pt p) { return num(p.x) + " " + num(p.y); }

double text_width(const std::string& s, double size) { return double(s.size()) * size * kGlyph; }

// Cuts `s` (at a UTF-8 boundary) and appends "..." so its estimated width fits `max_px`.
std::string fit(std::string s, double size, double max_px) {
  if (text_width(s, size) <= max_px) return s;
  auto cut = std::size_t(std::max(0.0, max_px / (size * kGlyph) - 3));
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "...";
}

std::string text(Pt at, const std::string& body, const std::string& attrs) {
  return "<text x=\"" + num(at.x) + "\" y=\"" + num(at.y) + "\" " + attrs + ">" + xml_escape(body) +
         "</text>\n";
}

double p10(double e) { return std::pow(10.0, e); }

// k * m * 10^e, dividing by an exact power of ten for e < 0 so that 3 x 0.1 reads 0.3.
double tick_value(long long k, double m, int e) {
  const double v = e >= 0 ? double(k) * m * p10(e) : double(k) * m / p10(-e);
  return v == 0 ? 0.0 : v;
}

// Pixel layout of the plot area and the mapping from data units into it.
struct Frame {
  Ticks xt{}, yt{};
  bool xlog = false, ylog = false;
  double left = 60, right = kW - 20, top = kTop, bottom = kBottom;

  [[nodiscard]] bool valid(double x, double y) const {
    return std::isfinite(x) && std::isfinite(y) && (!xlog || x > 0) && (!ylog || y > 0);
  }
  static double t(double v, const Ticks& k, bool log) {
    if (!log) return (v - k.lo) / (k.hi - k.lo);
    return (std::log10(v) - std::log10(k.lo)) / (std::log10(k.hi) - std::log10(k.lo));
  }
  [[nodiscard]] Pt map(double x, double y) const {
    return {left + t(x, xt, xlog) * (right - left), bottom - t(y, yt, ylog) * (bottom - top)};
  }
  [[nodiscard]] bool inside(Pt p) const {  // false for NaN
    return p.x >= left - 0.5 && p.x <= right + 0.5 && p.y >= top - 0.5 && p.y <= bottom + 0.5;
  }
};

// Liang-Barsky: cuts the segment a-b to the plot area; false when nothing of it is inside.
bool clip(Pt& a, Pt& b, const Frame& f) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {a.x - f.left, f.right - a.x, a.y - f.top, f.bottom - a.y};
  double t0 = 0, t1 = 1;
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0 && q[i] < 0) return false;
    if (p[i] < 0) t0 = std::max(t0, q[i] / p[i]);
    if (p[i] > 0) t1 = std::min(t1, q[i] / p[i]);
  }
  b = {a.x + t1 * dx, a.y + t1 * dy};
  a = {a.x + t0 * dx, a.y + t0 * dy};
  return t0 <= t1;
}

// Points of one series in pixels; a NaN point (skipped input) stands for a break in the line.
std::vector<Pt> pixels(const Series& s, const Frame& f) {
  std::vector<Pt> out;
  for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
    const Pt p = f.valid(s.x[i], s.y[i]) ? f.map(s.x[i], s.y[i]) : Pt{NAN, NAN};
    out.push_back(std::isfinite(p.x) && std::isfinite(p.y) ? p : Pt{NAN, NAN});
  }
  return out;
}

// Path data joining consecutive valid points, clipped to the plot area; "" when nothing shows.
std::string line_path(const std::vector<Pt>& pts, const Frame& f) {
  std::string d, pen;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    Pt a = pts[i - 1], b = pts[i];
    if (std::isnan(a.x) || std::isnan(b.x) || !clip(a, b, f)) continue;
    if (xy(a) != pen) d += (d.empty() ? "M" : " M") + xy(a);
    d += " L" + (pen = xy(b));
  }
  return d;
}

// Circle, square, triangle or diamond of about radius r; fill and stroke come from the group.
std::string marker(Pt p, std::size_t shape, double r) {
  if (shape % 4 == 0)
    return "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"" + num(r) + "\"/>";
  static const std::vector<Pt> kShapes[3] = {{{-.9, -.9}, {.9, -.9}, {.9, .9}, {-.9, .9}},
                                             {{0, -1.2}, {1.1, .8}, {-1.1, .8}},
                                             {{0, -1.3}, {1.1, 0}, {0, 1.3}, {-1.1, 0}}};
  std::string d;
  for (Pt v : kShapes[shape % 4 - 1])
    d += (d.empty() ? "M" : " L") + xy({p.x + v.x * r, p.y + v.y * r});
  return "<path d=\"" + d + " Z\"/>";
}

// Hollow grey markers of a muted series (an inline style: it overrides the .markers class).
constexpr const char* kMuted = "style=\"fill:none;stroke:#999999;stroke-width:1.2\"";

// A marker element with a tooltip: <circle ...><title>text</title></circle>.
std::string with_title(const std::string& m, const std::string& title) {
  if (title.empty()) return m;
  const std::string tag = m.substr(1, m.find(' ') - 1);
  return m.substr(0, m.size() - 2) + "><title>" + xml_escape(title) + "</title></" + tag + ">";
}

// The markers group of a series: its colour, or hollow grey when muted.
std::string markers_group(const std::string& colour, bool muted) {
  return muted ? "<g class=\"markers\" " + std::string(kMuted) + ">"
               : "<g class=\"markers\" fill=\"" + colour + "\">";
}

// Dashed guide lines with their labels, clipped to the plot area.
std::string guides(const Plot& plot, const Frame& f) {
  std::string out;
  for (const Guide& g : plot.guides) {
    if (!std::isfinite(g.at) || ((g.vertical ? f.xlog : f.ylog) && g.at <= 0)) continue;
    const Pt p = g.vertical ? f.map(g.at, f.yt.lo) : f.map(f.xt.lo, g.at);
    if (!f.inside(g.vertical ? Pt{p.x, f.top} : Pt{f.left, p.y})) continue;
    out += g.vertical ? "<path class=\"guide\" d=\"M" + xy({p.x, f.top}) + " V" + num(f.bottom)
                      : "<path class=\"guide\" d=\"M" + xy({f.left, p.y}) + " H" + num(f.right);
    out += "\" stroke=\"#D55E00\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\" fill=\"none\"/>\n";
    out += g.vertical ? text({p.x + 4, f.top + 12}, fit(g.label, 11, 240),
                             "class=\"guide-label\" font-size=\"11\" fill=\"#D55E00\"")
                      : text({f.right - 4, p.y - 4}, fit(g.label, 11, 240),
                             "class=\"guide-label\" font-size=\"11\" fill=\"#D55E00\" "
                             "text-anchor=\"end\"");
  }
  return out.empty() ? out : "<g class=\"guides\">\n" + out + "</g>\n";
}

struct Entry {  // one legend row
  std::string name, colour;
  std::size_t shape;
  bool line, markers, ring, muted;
};

// Legend box in the corner of the plot area that covers the fewest drawn points (line segments
// sampled at eighths); ties keep the first of top-left, top-right, bottom-right, bottom-left.
std::string legend(const std::vector<Entry>& entries, const std::vector<std::vector<Pt>>& drawn,
                   const Frame& f) {
  if (entries.empty()) return "";
  double longest = 0;
  for (const auto& e : entries) longest = std::max(longest, text_width(fit(e.name, 12, 300), 12));
  const double w = 46 + longest, h = 8 + 18.0 * double(entries.size());
  auto corner = [&](std::size_t c) {  // top-left, top-right, bottom-right, bottom-left
    return Pt{c % 3 == 0 ? f.left + 8 : f.right - 8 - w, c < 2 ? f.top + 8 : f.bottom - 8 - h};
  };
  std::size_t best = 0, best_hits = SIZE_MAX;
  for (std::size_t c = 0; c < 4; ++c) {
    std::size_t hits = 0;
    const Pt o = corner(c);
    for (const auto& pts : drawn)
      for (std::size_t i = 0; i < pts.size(); ++i)
        for (double s = 0.125; s <= 1; s += 0.125) {  // the segment into point i, in eighths
          const Pt a = i > 0 && !std::isnan(pts[i - 1].x) ? pts[i - 1] : pts[i], b = pts[i];
          const Pt p{a.x + (b.x - a.x) * s, a.y + (b.y - a.y) * s};
          hits += p.x >= o.x && p.x <= o.x + w && p.y >= o.y && p.y <= o.y + h;  // NaN: false
        }
    if (hits < best_hits) best = c, best_hits = hits;
  }
  const Pt o = corner(best);
  std::string s = "<g class=\"legend\">\n<rect x=\"" + num(o.x) + "\" y=\"" + num(o.y) +
                  "\" width=\"" + num(w) + "\" height=\"" + num(h) + "\"/>\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const Pt mid{o.x + 20, o.y + 13 + 18.0 * double(i)};
    if (e.line)
      s += "<path class=\"swatch\" d=\"M" + xy({mid.x - 12, mid.y}) + " h24\" stroke=\"" +
           e.colour + "\"/>\n";
    if (e.ring) s += "<g class=\"ring\">" + marker(mid, 0, 6) + "</g>\n";
    if (e.markers) s += markers_group(e.colour, e.muted) + marker(mid, e.shape, 4) + "</g>\n";
    s += text({mid.x + 20, mid.y + 4}, fit(e.name, 12, 300), "class=\"legend-name\"");
  }
  return s + "</g>\n";
}

// Grid, frame, ticks, tick labels, axis labels and title.
std::string axes(const Frame& f, const Plot& plot) {
  std::string minor, major, marks, labs;  // path data of grid lines and tick marks; tick labels
  for (int ax = 0; ax < 2; ++ax) {        // 0: x, 1: y
    const Ticks& t = ax ? f.yt : f.xt;
    auto pos = [&](double v) { return ax ? f.map(f.xt.lo, v).y : f.map(v, f.yt.lo).x; };
    auto grid = [&](double p) {
      return ax ? " M" + xy({f.left, p}) + " H" + num(f.right)
                : " M" + xy({p, f.top}) + " V" + num(f.bottom);
    };
    for (double v : t.minor) minor += grid(pos(v));
    for (double v : t.major) {
      const double at = pos(v);
      major += grid(at);
      marks += ax ? " M" + xy({f.left - 5, at}) + " h5" : " M" + xy({at, f.bottom}) + " v5";
      labs += ax ? text({f.left - 8, at + 4}, format_number(v), "text-anchor=\"end\"")
                 : text({at, f.bottom + 19}, format_number(v), "text-anchor=\"middle\"");
    }
  }
  auto path = [](const std::string& d, const char* colour) {
    return d.empty() ? d : "<path d=\"" + d.substr(1) + "\" stroke=\"" + colour + "\"/>\n";
  };
  const double cx = (f.left + f.right) / 2, cy = (f.top + f.bottom) / 2;
  const double size = std::clamp((kW - 20) / (double(plot.title.size()) * kGlyph), 10.0, 16.0);
  return "<g class=\"grid\">\n" + path(minor, "#f0f0f0") + path(major, "#dddddd") + "<rect x=\"" +
         num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) +
         "\" height=\"" + num(f.bottom - f.top) + "\" stroke=\"#444444\"/>\n" +
         path(marks, "#444444") + "</g>\n<g class=\"ticks\" fill=\"#222222\">\n" + labs + "</g>\n" +
         text({cx, kH - 12}, fit(plot.x.label, 13, f.right - f.left), "class=\"axis-label\"") +
         text({16, cy}, fit(plot.y.label, 13, f.bottom - f.top),
              "class=\"axis-label\" transform=\"rotate(-90 16 " + num(cy) + ")\"") +
         text({kW / 2, 25}, fit(plot.title, size, kW - 20),
              "class=\"title\" font-size=\"" + num(size) + "\"");
}

std::string render(const Plot& plot, bool scatter) {
  Frame f{.xlog = plot.x.log, .ylog = plot.y.log};
  // The highlighted points become one more series, last, in x order (NaNs out before sorting).
  std::vector<std::pair<double, double>> hl = plot.highlight;
  std::erase_if(hl, [&](const auto& p) { return !f.valid(p.first, p.second); });
  std::sort(hl.begin(), hl.end());
  std::vector<Series> all = plot.series;
  if (!hl.empty()) all.push_back({plot.highlight_label, {}, {}});
  for (const auto& [x, y] : hl) all.back().x.push_back(x), all.back().y.push_back(y);
  double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
  for (const Series& s : all)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (f.valid(s.x[i], s.y[i]))
        x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]), y0 = std::min(y0, s.y[i]),
        y1 = std::max(y1, s.y[i]);
  for (const Guide& g : plot.guides) {
    if (!std::isfinite(g.at) || ((g.vertical ? f.xlog : f.ylog) && g.at <= 0)) continue;
    double& lo = g.vertical ? x0 : y0;
    double& hi = g.vertical ? x1 : y1;
    lo = std::min(lo, g.at), hi = std::max(hi, g.at);
  }
  // A guide alone (no point) leaves the other axis without data: [0, 1] as for no data.
  if (x0 > x1 || y0 > y1) x0 = y0 = HUGE_VAL, x1 = y1 = -HUGE_VAL;
  // Fewer x ticks while their labels (estimated widths) would not keep 10 px apart.
  for (int target = 7; target >= 2; --target) {
    f.xt = make_ticks(plot.x, x0, x1, target);
    double widest = 0;
    for (double v : f.xt.major) widest = std::max(widest, text_width(format_number(v), 12));
    if ((widest + 10) * double(f.xt.major.size()) <= 660) break;
  }
  f.yt = make_ticks(plot.y, y0, y1, 6);
  // Margins follow the widest y tick label and half the last x tick label.
  double yw = 0;
  for (double v : f.yt.major) yw = std::max(yw, text_width(format_number(v), 12));
  f.left = std::max(60.0, 34 + yw);
  if (!f.xt.major.empty())
    f.right = kW - std::max(20.0, text_width(format_number(f.xt.major.back()), 12) / 2 + 6);
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"800\" height=\"500\" viewBox=\"0 0 800 500\" font-family=\"DejaVu Sans, Arial, "
      "sans-serif\" font-size=\"12\">\n<style>\n.series-line{fill:none;stroke-width:2;"
      "stroke-linejoin:round}\n.front{fill:none;stroke:#000000;stroke-width:1.5;stroke-opacity:0.7}"
      "\n.markers{stroke:#ffffff;stroke-width:0.6}\n.swatch{fill:none;stroke-width:2}\n.ring{fill:"
      "none;stroke:#000000;stroke-width:1.5}\n.grid{fill:none}\n.legend rect{fill:#ffffff;fill-"
      "opacity:0.85;stroke:#bbbbbb}\n.axis-label{font-size:13px;text-anchor:middle}\n.title{font-"
      "weight:bold;text-anchor:middle}\n.no-data{font-size:16px;fill:#888888;text-anchor:middle}\n"
      "</style>\n<rect width=\"800\" height=\"500\" fill=\"white\"/>\n" +
      axes(f, plot) + guides(plot, f);
  std::string marks, labels;  // drawn after every line, so that no line hides a marker
  std::vector<Entry> entries;
  std::vector<std::vector<Pt>> drawn;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Series& s = all[i];
    const bool ring = i == plot.series.size(), line = ring ? scatter : s.line && !scatter;
    const bool mk = !ring && (s.markers || scatter);
    const std::string colour = ring ? "#000000" : kPalette[i % kColours];
    const std::size_t shape = i + i / kColours;  // a repeated colour comes with another shape
    entries.push_back({s.name, colour, shape, line, mk, ring, s.muted && !ring});
    drawn.push_back(pixels(s, f));
    if (const std::string d = line ? line_path(drawn.back(), f) : ""; !d.empty())
      out += "<path class=\"" + std::string(ring ? "front" : "series-line") + "\" d=\"" + d +
             "\" stroke=\"" + colour + "\"/>\n";
    if (!mk && !ring) continue;
    marks += ring ? "<g class=\"ring\">\n" : markers_group(colour, s.muted && !ring) + "\n";
    for (std::size_t j = 0; j < drawn.back().size(); ++j) {
      const Pt p = drawn.back()[j];
      if (!f.inside(p)) continue;
      const std::string m = marker(p, ring ? 0 : shape, ring ? 7 : scatter ? 4.5 : 3.5);
      marks += (j < s.titles.size() ? with_title(m, s.titles[j]) : m) + "\n";
      if (j < s.labels.size() && !s.labels[j].empty())
        labels += text({p.x + 7, p.y - 7}, s.labels[j], "class=\"point-label\"");
    }
    marks += "</g>\n";
  }
  const Pt centre{(f.left + f.right) / 2, (f.top + f.bottom) / 2};
  if (!labels.empty()) labels = "<g class=\"point-labels\" font-size=\"10\" fill=\"#222222\">\n" + labels + "</g>\n";
  return out + marks + labels + (x0 > x1 ? text(centre, "no data", "class=\"no-data\"") : "") +
         legend(entries, drawn, f) + "</svg>\n";
}

}  // namespace

std::string xml_escape(const std::string& s) {
  static const char* const kEntity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  std::string out;
  for (char c : s) {
    const std::size_t k = std::string_view("&<>\"'").find(c);
    const bool control = static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n';
    out += k != std::string_view::npos ? kEntity[k] : std::string(1, control ? ' ' : c);
  }
  return out;
}

std::string format_number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  if (std::fabs(v) >= 1e15 || std::fabs(v) < 0.01) {
    double e = std::floor(std::log10(std::fabs(v)));
    std::string m = fmt("%.3g", v / p10(e));
    if (std::fabs(std::stod(m)) >= 10) m = fmt("%.3g", v / p10(++e));  // 9.996e-3 -> 1e-2
    return m + "e" + std::to_string((long long)e);
  }
  static const char* const kSuffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  for (; std::fabs(v) >= 1000 && i < 4; ++i) v /= 1000;
  return fmt("%.6g", v) + kSuffix[i];
}

Ticks make_ticks(const Axis& axis, double lo, double hi, int target) {
  const bool log = axis.log;
  auto bad = [&](std::optional<double> b) { return b && (!std::isfinite(*b) || (log && *b <= 0)); };
  if (bad(axis.min) || bad(axis.max))
    throw ConfigError("axis '" + axis.label + "': min and max must be finite (> 0 on a log axis)");
  if (axis.min && axis.max && *axis.min >= *axis.max)
    throw ConfigError("axis '" + axis.label + "': min must be below max");
  if (lo > hi) lo = log ? 1 : 0, hi = log ? 10 : 1;
  if (log) lo = std::log10(lo), hi = std::log10(hi);  // log axes work in decades from here on
  if (axis.min) lo = log ? std::log10(*axis.min) : *axis.min;
  if (axis.max) hi = log ? std::log10(*axis.max) : *axis.max;
  if (hi <= lo) {  // one point, or one fixed end past the data: widen the free side(s)
    const double d = log ? 1 : (lo != 0 ? std::fabs(lo) * 0.5 : 1), l = lo;
    if (!axis.min) lo = (axis.max ? hi : lo) - d;
    if (!axis.max) hi = (axis.min ? l : hi) + d;
  }
  // Step: 1, 2 or 5 x 10^e near span / target, at least one decade on a log axis.
  const double raw = (hi - lo) / std::max(1, target);
  int e = int(std::floor(std::log10(raw)));
  const double norm = raw / p10(e);
  double m = norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10;
  if (m == 10) m = 1, ++e;
  if (log && e < 0) m = 1, e = 0;
  Ticks t;
  const double step = tick_value(1, m, e), eps = 1e-9;
  if (!axis.min) lo = tick_value((long long)std::floor(lo / step + eps), m, e);
  if (!axis.max) hi = tick_value((long long)std::ceil(hi / step - eps), m, e);
  t.lo = log ? p10(lo) : lo, t.hi = log ? p10(hi) : hi, t.step = step;
  for (auto k = (long long)std::ceil(lo / step - eps); double(k) <= hi / step + eps; ++k)
    t.major.push_back(log ? p10(double(k) * step) : tick_value(k, m, e));
  if (!log) return t;
  for (double k = std::floor(lo); step == 1 && hi - lo <= 6 && k <= hi; ++k)
    for (int j = 2; j <= 9; ++j)  // 2..9 x 10^k
      if (const double d = std::log10(j) + k; d >= lo - eps && d <= hi + eps)
        t.minor.push_back(j * p10(k));
  if (t.major.size() < 2) {  // a fixed range without two powers of ten: label 2..9 x 10^k too
    t.major.insert(t.major.end(), t.minor.begin(), t.minor.end());
    t.minor.clear();
    std::sort(t.major.begin(), t.major.end());
  }
  return t;
}

std::vector<std::pair<double, double>> empirical_cdf(std::vector<double> v, std::size_t max_steps) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  std::vector<std::pair<double, double>> out;
  if (v.empty()) return out;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size(), steps = std::min(n, std::max<std::size_t>(1, max_steps));
  out.emplace_back(v.front(), 0.0);
  for (std::size_t j = 1; j <= steps; ++j) {
    const std::size_t r = (j * n + steps - 1) / steps;  // ceil(j n / steps); r = n at j = steps
    const double x = v[r - 1], fr = double(r) / double(n);
    if (out.back().first != x) out.emplace_back(x, out.back().second);
    out.emplace_back(x, fr);
  }
  return out;
}

std::string render_line_plot(const Plot& plot) { return render(plot, false); }
std::string render_scatter(const Plot& plot) { return render(plot, true); }

std::string render_cdf(const std::string& title, const std::string& x_label,
                       const std::vector<std::pair<std::string, std::vector<double>>>& samples,
                       bool log_x) {
  Plot p;
  p.title = title;
  p.x = {x_label, log_x, {}, {}};
  p.y = {"fraction of samples <= x", false, 0.0, 1.0};
  for (const auto& [name, values] : samples) {
    Series s{name, {}, {}, false, true};
    for (const auto& [x, fr] : empirical_cdf(values)) s.x.push_back(x), s.y.push_back(fr);
    p.series.push_back(std::move(s));
  }
  return render(p, false);
}

void write_svg(const std::string& path, const std::string& svg) {
  if (is_special_file(path) || std::filesystem::is_symlink(path)) {
    write_file_atomic(path, svg);  // written through, or beside the link's target
    return;
  }
  const std::string tmp = path + ".partial";
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  bool ok = out && std::fwrite(svg.data(), 1, svg.size(), out) == svg.size();
  ok = out && std::fclose(out) == 0 && ok;
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path, ec);
  if (ok && !ec) return;
  std::remove(tmp.c_str());
  throw InputError("cannot write " + path + (ec ? ": " + ec.message() : std::string()));
}

}  // namespace moesim::svg
