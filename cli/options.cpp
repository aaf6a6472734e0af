#include "cli/options.hpp"

#include <algorithm>

namespace moesim {
namespace {

constexpr std::size_t kLineWidth = 100;
constexpr std::size_t kMaxNameColumn = 28;
constexpr char kNoBreak = '\x01';  // a space where a line must not break (inside "[1, 8]")

// `text` wrapped at kLineWidth, each line after the first indented by `indent` spaces; the first
// line starts at column `indent` too (the caller has written what comes before it).
std::string wrapped(const std::string& text, std::size_t indent) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && indent + line.size() + 1 + word.size() > kLineWidth) {
      out += line + '\n';
      out.append(indent, ' ');
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  out += line + "\n";
  std::replace(out.begin(), out.end(), kNoBreak, ' ');
  return out;
}

std::string option_left(const Option& o) {
  return "--" + o.name + (o.takes_value() ? " " + o.value : "");
}

std::string option_help(const Option& o) {
  std::string h = o.help;
  if (o.ranged()) {
    h += (h.empty() ? "" : "; ") + std::string("an integer in [") + std::to_string(o.min) + "," +
         kNoBreak + std::to_string(o.max) + "]";
  }
  if (o.repeatable) h += (h.empty() ? "" : "; ") + std::string("repeatable");
  return h;
}

// One "  LEFT   help" entry, the help on the next line when LEFT is wider than the column.
std::string entry(const std::string& left, const std::string& help, std::size_t column) {
  std::string out = "  " + left;
  if (left.size() + 2 > column) {
    out += '\n';
    out.append(column + 2, ' ');
  } else {
    out.append(column - left.size(), ' ');
  }
  return out + wrapped(help, column + 2);
}

}  // namespace

const Option* CommandSpec::find(const std::string& option) const {
  for (const auto& o : options) {
    if (o.name == option) return &o;
  }
  return nullptr;
}

std::string usage_text(const CommandSpec& spec) {
  std::string out;
  for (std::size_t i = 0; i < spec.synopsis.size(); ++i) {
    out += std::string(i == 0 ? "usage: " : "\n       ") + "moesim " + spec.synopsis[i];
  }
  return out;
}

std::string help_text(const CommandSpec& spec) {
  std::string out = usage_text(spec) + "\n\n" + spec.summary + "\n";
  if (!spec.description.empty()) {
    out += "\n";
    std::size_t start = 0;
    while (start < spec.description.size()) {
      auto end = spec.description.find('\n', start);
      if (end == std::string::npos) end = spec.description.size();
      out += wrapped(spec.description.substr(start, end - start), 0);
      start = end + 1;
    }
  }
  std::size_t column = std::string("-h, --help").size();
  for (const auto& o : spec.options) column = std::max(column, option_left(o).size());
  column = std::min(column, kMaxNameColumn) + 2;
  out += "\noptions:\n";
  for (const auto& o : spec.options) out += entry(option_left(o), option_help(o), column);
  out += entry("-h, --help", "print this help and exit", column);
  return out;
}

std::string program_help_text(const std::vector<CommandSpec>& specs) {
  std::string out = "usage: moesim <command> [options]\n\ncommands:\n";
  std::size_t column = 0;
  for (const auto& s : specs) column = std::max(column, s.name.size());
  column += 2;
  for (const auto& s : specs) out += entry(s.name, s.summary, column);
  out +=
      "\n'moesim <command> --help' (or -h) lists a command's options; 'moesim --version' prints "
      "the version.\n";
  return out;
}

}  // namespace moesim
