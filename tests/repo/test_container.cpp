// The Dockerfile installs exactly the packages of scripts/bootstrap.sh's `build` group, through
// the script itself (no apt-get of its own), on Debian 12; building the image needs a container
// engine, which the test machine may lack, so the file is checked as text.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string source(const std::string& rel) { return std::string(MOESIM_SOURCE_DIR) + "/" + rel; }

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The Dockerfile's instructions, continuation lines joined, comments dropped.
std::vector<std::string> instructions(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  std::string cur;
  for (const auto& l : lines) {
    if (cur.empty() && (l.empty() || l[0] == '#')) continue;
    if (!l.empty() && l.back() == '\\') {
      cur += l.substr(0, l.size() - 1) + " ";
      continue;
    }
    out.push_back(cur + l);
    cur.clear();
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  CHECK(pclose(p) == 0);
  return out;
}

}  // namespace

TEST_CASE("Dockerfile installs through scripts/bootstrap.sh (build group) on Debian 12") {
  const auto ins = instructions(lines_of(source("Dockerfile")));
  REQUIRE(!ins.empty());
  CHECK(ins.front() == "FROM debian:bookworm");
  // Every RUN that installs packages does so through the bootstrap script, after copying it.
  const std::regex own_install(R"(\b(apt-get|apt|aptitude|dpkg)\b[^&;|]*\b(install|-i)\b)");
  const std::regex bootstrap(R"(scripts/bootstrap\.sh((?: [a-z]+)*))");
  std::vector<std::string> groups;
  bool copied = false;
  for (const auto& i : ins) {
    INFO(i);
    CHECK_FALSE(std::regex_search(i, own_install));
    if (i.rfind("COPY ", 0) == 0 && i.find("scripts/bootstrap.sh") != std::string::npos)
      copied = true;
    std::smatch m;
    if (i.rfind("RUN ", 0) == 0 && std::regex_search(i, m, bootstrap)) {
      CHECK(copied);
      std::istringstream words(m[1].str());
      for (std::string w; words >> w;) groups.push_back(w);
    }
  }
  REQUIRE(groups == std::vector<std::string>{"build"});
  // The package list the image gets is the bootstrap's, and the one `make build` needs.
  const std::string script = source("scripts/bootstrap.sh");
  const std::string image = run(script + " --list build");
  CHECK(image.find("libsimgrid-dev\n") != std::string::npos);
  CHECK(image.find("doctest-dev\n") != std::string::npos);
  CHECK(image.find("nlohmann-json3-dev\n") != std::string::npos);
  const std::string all = run(script + " --list");
  CHECK(all.rfind(image, 0) == 0);  // the default groups start with build
}

TEST_CASE("the container's context leaves build folders and results out") {
  const auto ignore = lines_of(source(".dockerignore"));
  const auto has = [&](const std::string& p) {
    for (const auto& l : ignore)
      if (l == p) return true;
    return false;
  };
  CHECK(has("build*"));
  CHECK(has("results"));
}
