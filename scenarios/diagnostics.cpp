#include "scenarios/diagnostics.hpp"

#include <algorithm>

namespace moesim {

std::string Diagnostic::text() const {
  std::string out = location + ": error: ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

std::string Diagnostics::text() const {
  std::string out;
  for (const auto& d : items_) out += d.text() + "\n";
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string suggestion_text(const std::string& word, const std::vector<std::string>& candidates,
                            const char* what) {
  std::string out;
  const std::string best = closest_match(word, candidates);
  if (!best.empty()) out += "did you mean '" + best + "'? ";
  out += "(";
  out += what;
  out += ": ";
  for (std::size_t i = 0; i < candidates.size(); ++i) out += (i ? ", " : "") + candidates[i];
  return out + ")";
}

}  // namespace moesim
