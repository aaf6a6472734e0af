// A clone alone runs everything: no tracked file may refer to a path outside the repository
// (a sibling folder reached with "..", an absolute workspace path, a Markdown link or a
// capitalised *.md name that no tracked file has). The scanner is checked on planted lines first.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The tracked files (paths relative to the repository root) and their folders.
struct Tracked {
  std::set<std::string> files;
  std::set<std::string> dirs;
  std::set<std::string> basenames;

  void add(const std::string& f) {
    files.insert(f);
    basenames.insert(fs::path(f).filename().string());
    for (fs::path d = fs::path(f).parent_path(); !d.empty(); d = d.parent_path())
      dirs.insert(d.generic_string());
  }
  [[nodiscard]] bool has(const std::string& p) const {
    return p.empty() || files.contains(p) || dirs.contains(p);
  }
};

// `rel` resolved lexically against the folder `dir` (both relative to the root); "" with
// `outside` set when it climbs above the root.
std::string resolve(const std::string& dir, const std::string& rel, bool& outside) {
  std::vector<std::string> parts;
  for (const auto& p : fs::path(dir)) parts.push_back(p.string());
  outside = false;
  for (const auto& p : fs::path(rel)) {
    const std::string s = p.string();
    if (s == "..") {
      if (parts.empty()) {
        outside = true;
        return "";
      }
      parts.pop_back();
    } else if (s != "." && !s.empty()) {
      parts.push_back(s);
    }
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

bool boundary(const std::string& line, std::size_t pos) {
  if (pos == 0) return true;
  const char c = line[pos - 1];
  return !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '/' || c == '$' || c == '}' || c == '~');
}

// Every reference to something outside the repository in the text of tracked file `path`, as
// "path:line: what".
std::vector<std::string> scan(const std::string& path, const std::string& text,
                              const Tracked& tracked) {
  static const std::regex updirs(R"((\.\./)+[A-Za-z0-9_.\-/]*)");
  static const std::regex absolute(R"(/(work|home|Users|root|mnt)/[A-Za-z0-9_.\-/]*)");
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  static const std::regex capital_md(R"(\b[A-Z][A-Z0-9_]*(-[A-Z0-9_]+)*\.md\b)");
  // Built from pieces so that this file does not name them itself.
  const std::vector<std::string> sibling = {std::string("shared") + "/data",
                                            std::string("shared") + "/docs"};
  const std::string dir = fs::path(path).parent_path().generic_string();
  const bool markdown = fs::path(path).extension() == ".md";
  const bool json = fs::path(path).extension() == ".json";
  std::vector<std::string> out;
  std::istringstream in(text);
  std::vector<std::string> recent;  // this line and the two before it
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    recent.push_back(line);
    if (recent.size() > 3) recent.erase(recent.begin());
    const std::string at = path + ":" + std::to_string(n) + ": ";
    for (const auto& s : sibling)
      if (line.find(s) != std::string::npos) out.push_back(at + "names " + s);
    for (std::sregex_iterator m(line.begin(), line.end(), updirs), e; m != e; ++m) {
      if (!boundary(line, std::size_t(m->position()))) continue;
      bool outside = false;
      (void)resolve(dir, m->str(), outside);
      if (outside) out.push_back(at + "'" + m->str() + "' leaves the repository");
    }
    // A measurement's metadata records the command that made it, on the machine it ran on.
    const bool recorded_command =
        json && line.find("\"command\":") != std::string::npos;
    for (std::sregex_iterator m(line.begin(), line.end(), absolute), e; m != e; ++m) {
      if (recorded_command) break;
      if (boundary(line, std::size_t(m->position())))
        out.push_back(at + "absolute path '" + m->str() + "'");
    }
    if (markdown) {
      for (std::sregex_iterator m(line.begin(), line.end(), link), e; m != e; ++m) {
        std::string target = (*m)[1].str();
        if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0 ||
            target.front() == '#')
          continue;
        target = target.substr(0, target.find('#'));
        bool outside = false;
        const std::string r =
            target.front() == '/' ? resolve("", target.substr(1), outside)
                                  : resolve(dir, target, outside);
        if (outside || !tracked.has(r))
          out.push_back(at + "link '" + (*m)[1].str() + "' is not a tracked file or folder");
      }
    }
    bool external = false;  // an outside document may be named next to its address
    for (const auto& l : recent) external = external || l.find("://") != std::string::npos;
    for (std::sregex_iterator m(line.begin(), line.end(), capital_md), e; m != e; ++m) {
      if (!external && !tracked.basenames.contains(m->str()))
        out.push_back(at + "'" + m->str() + "' is not in the repository");
    }
  }
  return out;
}

// `git ls-files` of the source folder, or false when it is not a git checkout.
bool list_tracked(Tracked& t) {
  const std::string cmd =
      "git -C '" + std::string(MOESIM_SOURCE_DIR) + "' ls-files -z 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return false;
  std::string all;
  char buf[65536];
  for (std::size_t k; (k = std::fread(buf, 1, sizeof buf, p)) > 0;) all.append(buf, k);
  if (pclose(p) != 0) return false;
  for (std::size_t i = 0; i < all.size();) {
    const std::size_t z = all.find('\0', i);
    t.add(all.substr(i, z - i));
    i = z == std::string::npos ? all.size() : z + 1;
  }
  return !t.files.empty();
}

}  // namespace

TEST_CASE("self-contained scanner: planted references outside the repository are named") {
  Tracked t;
  for (const char* f : {"README.md", "docs/design.md", "data/traces/a.csv", "scenarios/x.yaml"})
    t.add(f);
  // Planted references are built from pieces so that this file does not contain them.
  const std::string up = std::string("..") + "/../../" + "shared" + "/data/traces/a.csv";
  const std::string abs = std::string("/") + "work/main/a.txt";
  const std::string design = std::string("DESIGN") + ".md";
  CHECK(scan("scenarios/traces/y.yaml", "  source: {path: " + up + "}\n", t) ==
        std::vector<std::string>{
            "scenarios/traces/y.yaml:1: names " + std::string("shared") + "/data",
            "scenarios/traces/y.yaml:1: '" + up + "' leaves the repository"});
  CHECK(scan("scenarios/traces/y.yaml", "path: ../../data/traces/a.csv\n", t).empty());
  CHECK(scan("s/x.sh", "a=$here/../../build\nb=../x\nc=../../x\n", t) ==
        std::vector<std::string>{"s/x.sh:3: '../../x' leaves the repository"});
  CHECK(scan("a.cpp", "x\n// see " + abs + ", tests/workloads/a\n", t) ==
        std::vector<std::string>{"a.cpp:2: absolute path '" + abs + "'"});
  CHECK(scan("m/README.md", "[d](../docs/design.md#x) [e](../docs/) [w](https://x.org/A.md)\n",
             t)
            .empty());
  CHECK(scan("m/README.md", "[d](docs/design.md)\n", t) ==
        std::vector<std::string>{
            "m/README.md:1: link 'docs/design.md' is not a tracked file or folder"});
  CHECK(scan("a.cpp", "// the roofline of " + design + "; see README.md\n", t) ==
        std::vector<std::string>{"a.cpp:1: '" + design + "' is not in the repository"});
  CHECK(scan("a.yaml", "# https://example.org/x\n#  (NOTES.md: 3 lines)\n", t).empty());
  CHECK(scan("p/metadata.json", "  \"command\": \"x --out " + abs + "\",\n", t).empty());
  CHECK(scan("p/notes.json", "  \"out\": \"" + abs + "\",\n", t).size() == 1);
}

TEST_CASE("self-contained: no tracked file refers to a path outside the repository") {
  Tracked t;
  if (!list_tracked(t)) {
    MESSAGE("skipped: " << MOESIM_SOURCE_DIR << " is not a git checkout (or git is absent)");
    return;
  }
  std::vector<std::string> found;
  std::size_t scanned = 0;
  for (const auto& f : t.files) {
    // Third-party files under data/ are kept byte for byte; only our READMEs there are checked.
    if (f.rfind("data/", 0) == 0 && fs::path(f).filename() != "README.md") continue;
    const fs::path full = fs::path(MOESIM_SOURCE_DIR) / f;
    if (!fs::is_regular_file(fs::symlink_status(full))) continue;
    std::ifstream in(full, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    if (text.find('\0') != std::string::npos) continue;  // binary
    ++scanned;
    for (auto& r : scan(f, text, t)) found.push_back(std::move(r));
  }
  std::string report;
  for (const auto& r : found) report += "\n  " + r;
  CHECK(scanned > 100);
  CHECK_MESSAGE(found.empty(), "references outside the repository:" << report);
}
