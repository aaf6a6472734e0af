// `moesim sweep --status`: shard progress counted from journals (analytic answers), the table,
// and the command on folders written by hand.
#include <doctest/doctest.h>

#include <filesystem>

#include "analysis/sweep_results.hpp"
#include "analysis/sweep_status.hpp"
#include "models/errors.hpp"
#include "tests/test_support.hpp"

using namespace moesim;

namespace {

// A 10-point sweep "s" sharded `shards` ways: shard i runs the indices i, i + shards, ...
SweepManifest manifest(std::size_t shard, std::size_t shards, std::size_t points = 10) {
  return {"s", points, {"deployment.tp"}, {}, shard, shards};
}

JournalEntry entry(std::size_t index, const std::string& status, const std::string& tp = "1") {
  JournalEntry e{index, status, {{"deployment.tp", tp}}, "", {}};
  if (status == "ok") e.metrics = {{"steps", FlatValue{true, 3, "3"}}};
  if (status == "invalid" || status == "failed") e.error = "why";
  return e;
}

SweepFolderState folder(const std::string& path, SweepManifest m, std::vector<JournalEntry> e,
                        bool results) {
  return {path, std::move(m), std::move(e), 0, results};
}

}  // namespace

TEST_CASE("sweep status: per-shard counts, a shard not started, totals over the whole sweep") {
  // 10 points over 3 shards: shard 0 runs {0, 3, 6, 9}, shard 1 {1, 4, 7}, shard 2 {2, 5, 8}.
  const SweepProgress p = sweep_progress({
      folder("d/shard-1", manifest(1, 3), {entry(1, "ok"), entry(4, "failed"), entry(4, "failed")},
             false),
      folder("d/shard-0", manifest(0, 3),
             {entry(0, "ok"), entry(3, "ok"), entry(6, "invalid"), entry(9, "filtered")}, true),
  });
  CHECK(p.name == "s");
  CHECK(p.points == 10);
  REQUIRE(p.rows.size() == 3);
  const ShardProgress& s0 = p.rows[0];
  CHECK(s0.path == "d/shard-0");
  CHECK(s0.shard == 0);
  CHECK(s0.points == 4);
  CHECK(s0.ok == 2);
  CHECK(s0.invalid == 1);
  CHECK(s0.filtered == 1);
  CHECK(s0.failed == 0);
  CHECK(s0.pending == 0);
  CHECK(s0.state == "done");
  const ShardProgress& s1 = p.rows[1];
  CHECK(s1.points == 3);
  CHECK(s1.ok == 1);
  CHECK(s1.failed == 1);   // the repeated failed line is one point
  CHECK(s1.pending == 1);  // point 7
  CHECK(s1.state == "incomplete");
  const ShardProgress& s2 = p.rows[2];
  CHECK(s2.path.empty());
  CHECK(s2.shard == 2);
  CHECK(s2.points == 3);
  CHECK(s2.pending == 3);
  CHECK(s2.state == "not started");
  CHECK(p.ok == 3);
  CHECK(p.invalid == 1);
  CHECK(p.filtered == 1);
  CHECK(p.failed == 1);
  CHECK(p.pending == 4);  // 7, 2, 5, 8
}

TEST_CASE("sweep status: a resumed point supersedes its failed attempt") {
  const SweepProgress p = sweep_progress(
      {folder("a", manifest(0, 2, 4), {entry(0, "failed"), entry(2, "ok"), entry(0, "ok")}, true)});
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0].ok == 2);
  CHECK(p.rows[0].failed == 0);
  CHECK(p.rows[0].pending == 0);
  CHECK(p.rows[1].state == "not started");
  CHECK(p.rows[1].points == 2);
  CHECK(p.ok == 2);
  CHECK(p.pending == 2);
}

TEST_CASE("sweep status: a merged folder beside its shards counts each point once") {
  // 5 points, 2 shards: {0, 2, 4} and {1, 3}; the merge holds all five; shard 1 failed point 3
  // and the merged folder has its re-run.
  std::vector<JournalEntry> all;
  for (std::size_t i = 0; i < 5; ++i) all.push_back(entry(i, "ok"));
  const SweepProgress p = sweep_progress({
      folder("d/shard-0", manifest(0, 2, 5), {entry(0, "ok"), entry(2, "ok"), entry(4, "ok")},
             true),
      folder("d/shard-1", manifest(1, 2, 5), {entry(1, "ok"), entry(3, "failed")}, true),
      folder("d", manifest(0, 1, 5), all, true),
  });
  REQUIRE(p.rows.size() == 3);
  CHECK(p.rows[0].path == "d");  // the whole sweep first, then the shards in order
  CHECK(p.rows[0].points == 5);
  CHECK(p.rows[0].ok == 5);
  CHECK(p.rows[1].path == "d/shard-0");
  CHECK(p.rows[2].failed == 1);
  CHECK(p.ok == 5);
  CHECK(p.failed == 0);
  CHECK(p.pending == 0);
}

TEST_CASE(
    "sweep status: different sweeps, conflicting results and points out of range are errors") {
  const auto error = [](const std::vector<SweepFolderState>& f) {
    try {
      (void)sweep_progress(f);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error({}) == "no sweep folder to report on");
  CHECK(
      error({folder("a", manifest(0, 2), {}, false), folder("b", manifest(1, 2, 11), {}, false)}) ==
      "b holds a different sweep than a (their sweep.json differ)");
  CHECK(error({folder("a", manifest(0, 1), {entry(1, "ok", "1")}, false),
               folder("b", manifest(1, 2), {entry(1, "ok", "2")}, false)}) ==
        "point 1 has different results in a and b");
  CHECK(error({folder("a", manifest(0, 1), {entry(1, "ok", "1"), entry(1, "ok", "2")}, false)}) ==
        "a/journal.jsonl: point 1 has two different results");
  CHECK(error({folder("a", manifest(0, 1), {entry(10, "ok")}, false)}) ==
        "a/journal.jsonl: point 10 is out of range (the sweep has 10 points)");
}

TEST_CASE("sweep status: the printed table") {
  SweepFolderState s0 = folder("d/shard-0", manifest(0, 2, 3), {entry(0, "ok")}, false);
  s0.bad_lines = 1;
  const std::string table = progress_table(sweep_progress({s0}));
  CHECK(table ==
        "sweep s: 3 points\n"
        "  folder     shard  points  ok  invalid  failed  filtered  pending  state\n"
        "  d/shard-0  0/2         2   1        0       0         0        1  incomplete (1 journal "
        "line(s) cut short)\n"
        "  -          1/2         1   0        0       0         0        1  not started\n"
        "  total                  3   1        0       0         0        2  incomplete\n");
}

TEST_CASE("moesim sweep --status: reads the shard folders under DIR") {
  namespace fs = std::filesystem;
  const std::string dir = test::temp_dir("sweep-status");
  for (std::size_t s = 0; s < 2; ++s) {
    const std::string sub = dir + "/shard-" + std::to_string(s);
    fs::create_directories(sub);
    test::write_text(sub + "/sweep.json", manifest_json(manifest(s, 3, 6)));
    test::write_text(sub + "/journal.jsonl",
                     journal_line(entry(s, "ok")) + journal_line(entry(s + 3, "invalid")));
  }
  test::write_text(dir + "/shard-0/results.csv", "index\n");
  fs::create_directories(dir + "/unrelated");
  const auto r = test::run_moesim("sweep --status " + dir);
  CHECK(r.status == 0);
  CHECK(r.output ==
        "sweep s: 6 points\n"
        "  folder" +
            std::string(dir.size() + 4, ' ') +
            "shard  points  ok  invalid  failed  filtered  pending  state\n"
            "  " +
            dir +
            "/shard-0  0/3         2   1        1       0         0        0  done\n"
            "  " +
            dir +
            "/shard-1  1/3         2   1        1       0         0        0  incomplete\n"
            "  -" +
            std::string(dir.size() + 7, ' ') +
            "  2/3         2   0        0       0         0        2  not started\n"
            "  total" +
            std::string(dir.size() + 3, ' ') +
            "              6   2        2       0         0        2  incomplete\n");

  const auto none = test::run_moesim("sweep --status " + dir + "/unrelated");
  CHECK(none.status == 2);
  CHECK(none.output == "moesim sweep: error: " + dir +
                           "/unrelated holds no sweep folder (no sweep.json in it or in its "
                           "subfolders)\n");
  const auto missing = test::run_moesim("sweep --status " + dir + "/nope");
  CHECK(missing.status == 2);
  CHECK(missing.output == "moesim sweep: error: " + dir + "/nope: no such folder\n");
  const auto both = test::run_moesim("sweep study.yaml --status " + dir);
  CHECK(both.status == 2);
  CHECK(both.output == "moesim sweep: --status DIR takes no sweep file and no other option\n");
  fs::remove_all(dir);
}
