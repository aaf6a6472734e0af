// scripts/slurm/submit.sh without a cluster (--dry-run): the sbatch command lines of the job array
// and of the merge job that depends on it, and the job scripts it writes. tests/slurm/ runs it on a
// real one-node cluster (`make test-slurm`).
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/test_support.hpp"

namespace {

moesim::test::CommandResult submit(const std::string& args) {
  const std::string cmd = std::string(MOESIM_SOURCE_DIR) +
                          "/scripts/slurm/submit.sh --moesim " MOESIM_BINARY " " + args + " 2>&1";
  moesim::test::CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[1024];
  while (std::fgets(buf, sizeof buf, p)) r.output += buf;
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

}  // namespace

TEST_CASE("submit.sh --dry-run: a job array of shards and a merge job after it") {
  const std::string dir = moesim::test::temp_dir("slurm-submit");
  const std::string sweep = std::string(MOESIM_SOURCE_DIR) + "/tests/slurm/sweep.yaml";
  const std::string bin = MOESIM_BINARY;
  const auto r = submit(
      "--dry-run --shards 3 --jobs 2 --time 01:00:00 --partition short "
      "--account proj --max-running 2 --sbatch --mem=4G --out " +
      dir + " " + sweep + " -- --set workload.source.requests=20");
  CHECK(r.status == 0);
  CHECK(r.output ==
        "moesim sweep: slurm-test: ok, 12 points (10 to run, 2 filtered, 0 invalid before "
        "running); nothing run\n"
        "sbatch --parsable --chdir=" +
            dir +
            " --partition=short --account=proj --mem=4G "
            "--job-name=moesim-sweep --array=0-2%2 --ntasks=1 --cpus-per-task=2 --output=" +
            dir + "/slurm/shard-%a.log --time=01:00:00 " + dir +
            "/slurm/shard.sbatch\n"
            "sbatch --parsable --chdir=" +
            dir +
            " --partition=short --account=proj --mem=4G "
            "--job-name=moesim-sweep-merge --ntasks=1 --cpus-per-task=1 --time=00:30:00 --output=" +
            dir + "/slurm/merge.log --kill-on-invalid-dep=yes --dependency=afterok:ARRAY_JOB_ID " +
            dir + "/slurm/merge.sbatch\n");
  CHECK(moesim::test::read_text(dir + "/slurm/shard.sbatch") ==
        "#!/bin/bash\n"
        "# One shard of the sweep " +
            sweep +
            " per task of the array (scripts/slurm/submit.sh).\n"
            "set -euo pipefail\n"
            "i=$SLURM_ARRAY_TASK_ID\n"
            "exec " +
            bin + " sweep " + sweep +
            " --jobs 2 --shard \"$i/3\" --resume --quiet \\\n"
            "  --out " +
            dir + "/shard-\"$i\" --set workload.source.requests=20\n");
  CHECK(moesim::test::read_text(dir + "/slurm/merge.sbatch") ==
        "#!/bin/bash\n"
        "# Joins the 3 shards into " +
            dir +
            " (scripts/slurm/submit.sh); runs once every task of\n"
            "# the array has succeeded.\n"
            "set -euo pipefail\n"
            "exec " +
            bin + " merge " + dir + "/shard-0 " + dir + "/shard-1 " + dir + "/shard-2 --out " +
            dir + "\n");
  std::filesystem::remove_all(dir);
}

TEST_CASE("submit.sh: a missing sweep file, bad counts and a bad sweep are exit status 2") {
  const auto missing = submit("--dry-run /nonexistent/sweep.yaml");
  CHECK(missing.status == 2);
  CHECK(missing.output == "submit.sh: /nonexistent/sweep.yaml: no such file\n");
  const std::string sweep = std::string(MOESIM_SOURCE_DIR) + "/tests/slurm/sweep.yaml";
  const auto zero = submit("--dry-run --shards 0 " + sweep);
  CHECK(zero.status == 2);
  CHECK(zero.output == "submit.sh: --shards expects a whole number >= 1, got '0'\n");
  const auto unknown = submit("--dry-run --shard 2 " + sweep);
  CHECK(unknown.status == 2);
  CHECK(unknown.output == "submit.sh: unknown option '--shard' (--help lists them)\n");
  const auto own = submit("--dry-run " + sweep + " -- --shard 0/2");
  CHECK(own.status == 2);
  CHECK(own.output == "submit.sh: '--shard' after -- is set by submit.sh itself\n");
  // The sweep file is checked before anything is written or submitted.
  const std::string dir = moesim::test::temp_dir("slurm-submit-bad");
  const auto bad = submit("--dry-run --out " + dir + "/out " + sweep + " -- --set nonsense=1");
  CHECK(bad.status == 2);
  CHECK(bad.output.find("--set nonsense=1: error: nonsense: unknown key") == 0);
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("moesim sweep --dry-run: the file checked and its points counted, nothing written") {
  const std::string dir = moesim::test::temp_dir("sweep-dry-run");
  const std::string sweep = std::string(MOESIM_SOURCE_DIR) + "/tests/slurm/sweep.yaml";
  // Shard 0 of 3 holds points 0, 3, 6, 9; point 9 (gamma 4, tp 2) fails the file's filter.
  const auto r =
      moesim::test::run_moesim("sweep " + sweep + " --dry-run --shard 0/3 --out " + dir + "/out");
  CHECK(r.status == 0);
  CHECK(r.output ==
        "moesim sweep: slurm-test: ok, 12 points, shard 0/3: 4 of them (3 to run, 1 "
        "filtered, 0 invalid before running); nothing run\n");
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
  std::filesystem::remove_all(dir);
}
