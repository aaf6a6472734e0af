// The option tables (cli/command_specs.cpp): the parser accepts exactly the options of a
// command's table, every one of them is in the command's help, and `moesim CMD --help` / `-h`
// print that help with exit status 0; `moesim --help` lists every command and `--version` the
// version and git revision.
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/version.hpp"
#include "tests/test_support.hpp"

using namespace moesim;
using namespace moesim::test;

namespace {

// Parses `words` (after "moesim CMD") against `spec`.
Args parse(const CommandSpec& spec, std::vector<std::string> words) {
  words.insert(words.begin(), {"moesim", spec.name});
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  return Args(int(argv.size()), argv.data(), 2, spec);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const CommandSpec kDemo{
    .name = "demo",
    .summary = "a command to test the generated help",
    .synopsis = {"demo FILE [--tp N]", "demo --list"},
    .description = "More about it.\n",
    .options = {{.name = "tp", .value = "N", .help = "tensor-parallel size (default 1)", .min = 1,
                 .max = 8},
                {.name = "set", .value = "path=value", .help = "one key", .repeatable = true},
                {.name = "list", .help = "list them"},
                {.name = "context",
                 .value = "L",
                 .help = "tokens of context per sequence, the prompt and what was generated "
                         "before it (default 1024)",
                 .min = 0,
                 .max = 1 << 30}}};

}  // namespace

TEST_CASE("help: the usage and help generated from a table") {
  CHECK(usage_text(kDemo) == "usage: moesim demo FILE [--tp N]\n       moesim demo --list");
  CHECK(help_text(kDemo) ==
        "usage: moesim demo FILE [--tp N]\n"
        "       moesim demo --list\n"
        "\n"
        "a command to test the generated help\n"
        "\n"
        "More about it.\n"
        "\n"
        "options:\n"
        "  --tp N            tensor-parallel size (default 1); an integer in [1, 8]\n"
        "  --set path=value  one key; repeatable\n"
        "  --list            list them\n"
        // Wrapped at 100 columns, never inside the range.
        "  --context L       tokens of context per sequence, the prompt and what was generated "
        "before it\n"
        "                    (default 1024); an integer in [0, 1073741824]\n"
        "  -h, --help        print this help and exit\n");
}

TEST_CASE("help: the parser takes its options, ranges and values from the table") {
  const Args a = parse(kDemo, {"f.yaml", "--tp", "3", "--set", "a=1", "--set=b=2", "--list"});
  CHECK(a.positionals() == std::vector<std::string>{"f.yaml"});
  CHECK(a.get_int_in("tp", 1) == 3);
  CHECK(a.all("set") == std::vector<std::string>{"a=1", "b=2"});
  CHECK(a.has("list"));
  CHECK_THROWS_WITH_AS((void)parse(kDemo, {"--tp", "9"}).get_int_in("tp", 1),
                       "option '--tp' expects an integer in [1, 8], got '9'", UsageError);
  CHECK_THROWS_WITH_AS(parse(kDemo, {"--lst"}),
                       "unknown option '--lst'; did you mean '--list'? (valid: --tp, --set, "
                       "--list, --context)",
                       UsageError);
  CHECK_THROWS_WITH_AS(parse(kDemo, {"--list=1"}), "option '--list' takes no value", UsageError);
  CHECK_THROWS_WITH_AS(parse(kDemo, {"--tp"}), "option '--tp' needs a value", UsageError);
  // An option read by the code but missing from the table is a programming error, never a
  // silently absent option.
  CHECK_THROWS_AS((void)a.has("jobs"), std::logic_error);
  CHECK_THROWS_AS((void)a.get_int_in("set", 0), std::logic_error);  // no range in the table
  for (const char* h : {"-h", "--help"}) {
    CAPTURE(h);
    try {
      (void)parse(kDemo, {"f.yaml", "--bogus", h});
      FAIL("no HelpRequested");
    } catch (const HelpRequested& e) {
      CHECK(e.help() == help_text(kDemo));
    }
  }
}

TEST_CASE("help: every command's table is parsed and documented completely") {
  REQUIRE(command_specs().size() == 16);
  for (const auto& spec : command_specs()) {
    CAPTURE(spec.name);
    CHECK(&command_spec(spec.name) == &spec);
    CHECK(!spec.summary.empty());
    REQUIRE(!spec.synopsis.empty());
    const std::string help = help_text(spec);
    // The help with its wrapped lines joined again.
    const std::string joined = std::regex_replace(help, std::regex("\n {20,}"), " ");
    for (const auto& o : spec.options) {
      CAPTURE(o.name);
      // Accepted by the parser (with a value when it takes one) ...
      const Args a = o.takes_value() ? parse(spec, {"--" + o.name, "1"})
                                     : parse(spec, {"--" + o.name});
      CHECK(a.has(o.name));
      // ... and listed in the help, with its value name and its range.
      const std::string left = "  --" + o.name + (o.takes_value() ? " " + o.value : "");
      CHECK((contains(help, left + " ") || contains(help, left + "\n")));
      if (o.ranged()) {
        CHECK(contains(joined, "an integer in [" + std::to_string(o.min) + ", " +
                                 std::to_string(o.max) + "]"));
      }
    }
    // Every option the usage forms mention is one the command accepts.
    const std::string usage = usage_text(spec);
    const std::regex flag("--([a-z][a-z-]*)");
    for (auto it = std::sregex_iterator(usage.begin(), usage.end(), flag);
         it != std::sregex_iterator(); ++it) {
      CAPTURE((*it)[1].str());
      CHECK(spec.find((*it)[1].str()) != nullptr);
    }
    CHECK_THROWS_AS(parse(spec, {"--no-such-option"}), UsageError);
  }
  CHECK_THROWS_AS((void)command_spec("rnu"), std::logic_error);
}

TEST_CASE("help: moesim CMD --help and -h print the command's help, exit 0") {
  for (const auto& spec : command_specs()) {
    for (const char* h : {"--help", "-h"}) {
      CAPTURE(spec.name);
      CAPTURE(h);
      const auto r = run_moesim(spec.name + " " + h);
      CHECK(r.status == 0);
      CHECK(r.output == help_text(spec));
      for (const auto& o : spec.options) {
        CAPTURE(o.name);
        CHECK(contains(r.output, "--" + o.name));
      }
    }
  }
  // Before any positional is read: `run -h` is no scenario file, `speculation --help` no typo.
  const auto r = run_moesim("run scenario.yaml --set x=1 -h");
  CHECK(r.status == 0);
  CHECK(r.output == help_text(command_spec("run")));
}

TEST_CASE("help: moesim --help lists every command, --version the version and revision") {
  for (const char* h : {"--help", "-h"}) {
    const auto r = run_moesim(h);
    CHECK(r.status == 0);
    CHECK(r.output == program_help_text(command_specs()));
    for (const auto& spec : command_specs()) {
      CAPTURE(spec.name);
      CHECK(std::regex_search(r.output, std::regex("\n  " + spec.name + " +")));
      CHECK(contains(r.output, " " + spec.summary + "\n"));
    }
  }
  const auto v = run_moesim("--version");
  CHECK(v.status == 0);
  CHECK(v.output == version_text());
  const std::regex version(R"(moesim [0-9]+\.[0-9]+\.[0-9]+ \(git ([0-9a-f]{12}|unknown)\)\n)");
  CHECK(std::regex_match(v.output, version));
}
