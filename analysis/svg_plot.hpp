// Dependency-free SVG plots of results: line plots, scatter plots with a highlighted front (e.g.
// Pareto points) and empirical CDFs, on an 800 x 500 canvas. Output is deterministic: equal
// inputs give byte-identical text (coordinates with at most two decimals, tick labels from
// format_number, colours from a fixed colour-blind-friendly palette in series order).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moesim::svg {

// One named set of points. x[i] pairs with y[i]; entries past the shorter vector are ignored.
// A point with a NaN or infinite coordinate, or a non-positive one on a log axis, is skipped and a
// line breaks there. Points are joined in the given order (sort by x first for a function plot).
struct Series {
  std::string name;
  std::vector<double> x, y;
  bool markers = true;  // draw a marker at each point (shape and colour follow the series index)
  bool line = true;     // join the points (line plots and CDFs only)
  // Optional, per point (entries past x.size() ignored, "" for none): a tooltip (an SVG <title>
  // inside the point's marker) and a short label written beside the point.
  std::vector<std::string> titles{}, labels{};
  bool muted = false;  // markers drawn hollow in grey (e.g. points that fail a constraint)
};

// A dashed line across the plot area at x = at (vertical) or y = at, with its label at one end
// (e.g. a constraint's limit). The axis range is widened to include it.
struct Guide {
  bool vertical = true;
  double at = 0;
  std::string label;
};

// An axis. A set min or max fixes that end exactly; an unset end follows the data, widened to the
// next tick (on a log axis, the next labelled power of ten). On a log axis a set min or max must be
// > 0. With no data the range is [0, 1], or [1, 10] on a log axis.
struct Axis {
  std::string label;
  bool log = false;
  std::optional<double> min, max;
};

struct Plot {
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  // Points drawn as larger black rings over the series (e.g. the Pareto points of a sweep);
  // render_scatter also joins them, sorted by x, into a front line.
  std::vector<std::pair<double, double>> highlight;
  std::string highlight_label = "front";  // legend text of the highlighted points
  std::vector<Guide> guides{};            // drawn over the grid, under the series
};

// Lines with markers (as each series asks), colours and marker shapes in series order, a legend in
// the corner of the plot area that hides the fewest points, "no data" when nothing can be drawn.
// Lines are clipped to the plot area; x ticks thin out when their labels would touch. Throws
// ConfigError when an axis has min >= max or a non-finite bound, or a bound <= 0 on a log axis.
[[nodiscard]] std::string render_line_plot(const Plot& plot);

// Points only (Series::line and Series::markers are ignored); the highlighted points are ringed
// and joined, in x order, as a front.
// Throws as render_line_plot.
[[nodiscard]] std::string render_scatter(const Plot& plot);

// One empirical CDF (fraction of samples <= x, from 0 to exactly 1) per named sample, drawn as a
// step line. NaN/inf samples are dropped; on a log x axis non-positive samples still count in
// the fractions but lie left of the axis. Each curve has at most 2000 steps (see empirical_cdf).
[[nodiscard]] std::string render_cdf(
    const std::string& title, const std::string& x_label,
    const std::vector<std::pair<std::string, std::vector<double>>>& samples, bool log_x);

// Writes `svg` to `path` + ".partial", then renames it to `path`, so the file is complete or
// absent. Throws InputError on an I/O failure.
void write_svg(const std::string& path, const std::string& svg);

// ---- Building blocks, public for tests and for other renderers ----

// Tick positions of one axis, in data units.
struct Ticks {
  double lo = 0, hi = 1;      // the axis range
  double step = 0;            // linear: 1, 2 or 5 x 10^k; log: decades between labelled ticks
  std::vector<double> major;  // labelled ticks in [lo, hi], ascending
  std::vector<double> minor;  // log only: unlabelled ticks (2..9 x 10^k or skipped decades)
};

// Ticks for data spanning [data_lo, data_hi] (data_lo > data_hi for no data) under the axis's
// fixed ends, aiming at about `target` >= 1 labels. Linear ticks are integer multiples of a step of
// 1, 2 or 5 x 10^k; log ticks are powers of ten, every step-th decade (a fixed range that holds
// fewer than two also labels 2..9 x 10^k). Throws ConfigError as render_line_plot.
[[nodiscard]] Ticks make_ticks(const Axis& axis, double data_lo, double data_hi, int target);

// Compact tick text: "0", "0.25", "120", "1.5k", "10k", "2M", "1e-3", "2.5e-3", "1e15".
// At most 6 significant digits (3 in the scientific form), so ticks far from zero relative to
// their spacing (1000001, 1000002) can read alike: plot offsets from a base instead.
[[nodiscard]] std::string format_number(double v);

// Vertices of the empirical CDF step line of the finite values in `samples`: (x_min, 0), then
// for each chosen rank r: (x_(r), F_prev), (x_(r), r / n). With more than max_steps values only
// max_steps evenly spread ranks are kept (the last is always n, so the line ends at exactly 1).
// Empty when no value is finite. max_steps >= 1.
[[nodiscard]] std::vector<std::pair<double, double>> empirical_cdf(std::vector<double> samples,
                                                                   std::size_t max_steps = 2000);

// Text with & < > " ' replaced by entities and control characters other than tab and newline
// replaced by spaces, so any string is safe in SVG text and attribute values.
[[nodiscard]] std::string xml_escape(const std::string& text);

}  // namespace moesim::svg
