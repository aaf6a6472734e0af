// moesim sweep FILE: runs every point of a sweep as its own `moesim run` process (SimGrid allows
// one engine per process), N at a time, journaling each finished point (append + fsync) so that a
// killed sweep loses only the points in flight and --resume finishes the rest (and re-runs the
// points journaled `failed`). The output folder is locked (OutputLock) while the sweep runs;
// SIGINT / SIGTERM stop the points in flight, leave them out of the journal and exit 130 / 143.
//
// Folder layout (OUT):
//   base.yaml      the sweep file without its sweep: section; every point runs it from OUT
//   sweep.json     manifest: name, number of points, swept paths, common --set, shard
//   journal.jsonl  one JSON line per finished point (analysis/sweep_results.hpp)
//   points/<i>/    the point's `moesim run --out` folder and its log.txt (stdout + stderr); with
//                  `sweep.capacity`, its `moesim capacity --out` folder (capacity.json, run/)
//   results.csv    rebuilt from the journal at the end
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "analysis/capacity_report.hpp"
#include "analysis/sweep_results.hpp"
#include "cli/args.hpp"
#include "cli/command_specs.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_lock.hpp"
#include "cli/sweep_files.hpp"
#include "models/errors.hpp"
#include "scenarios/sweep_loader.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxJobs = 256;

std::pair<std::size_t, std::size_t> parse_shard(const std::string& s) {
  const auto slash = s.find('/');
  std::size_t i = 0, n = 0;
  try {
    if (slash == std::string::npos) throw std::invalid_argument(s);
    std::size_t used = 0;
    i = std::stoul(s.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument(s);
    n = std::stoul(s.substr(slash + 1), &used);
    if (used != s.size() - slash - 1) throw std::invalid_argument(s);
  } catch (const std::exception&) {
    throw UsageError("--shard expects i/N, e.g. --shard 0/3, got '" + s + "'");
  }
  if (n == 0 || i >= n) throw UsageError("--shard i/N needs 0 <= i < N, got '" + s + "'");
  return {i, n};
}

std::string duration_text(double s) {
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(s / 3600), int(s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(s / 60), int(s) % 60);
  else
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  return buf;
}

// Points that run, what each turned into, and the progress display.
class SweepRunner {
 public:
  SweepRunner(std::string out, const SweepFile& sweep, std::size_t jobs, bool quiet, bool check)
      : out_(std::move(out)),
        sweep_(sweep),
        jobs_(jobs),
        quiet_(quiet),
        check_(check),
        tty_(isatty(STDERR_FILENO) != 0),
        exe_(fs::read_symlink("/proc/self/exe").string()) {
    journal_fd_ =
        open((out_ + "/journal.jsonl").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (journal_fd_ < 0)
      throw InputError("cannot open " + out_ + "/journal.jsonl: " + std::strerror(errno));
  }
  ~SweepRunner() { close(journal_fd_); }
  SweepRunner(const SweepRunner&) = delete;
  SweepRunner& operator=(const SweepRunner&) = delete;

  void run(const std::vector<std::size_t>& todo) {
    total_ = todo.size();
    // What a killed sweep left of the points still to do (not journaled, maybe temporaries) goes
    // first, so that an interrupted --resume leaves no temporary file behind either.
    for (std::size_t i : todo) {
      std::error_code ec;
      fs::remove_all(out_ + "/points/" + std::to_string(i), ec);
    }
    for (std::size_t i : todo) {
      const SweepPoint p = sweep_point(sweep_.spec, i);
      if (p.fate == PointFate::kRun)
        to_run_.push_back(p);
      else
        record({p.index,
                p.fate == PointFate::kFiltered ? "filtered" : "invalid",
                p.values,
                p.reason,
                {}});
    }
    start_ = Clock::now();
    std::size_t next = 0;
    while (next < to_run_.size() || !running_.empty()) {
      // After SIGINT or SIGTERM no point starts; those in flight are stopped (they remove their
      // temporaries) and left out of the journal, so --resume runs them again.
      if (stop_signal() != 0 && !stopping_) {
        stopping_ = true;
        for (const auto& [pid, p] : running_) kill(pid, SIGTERM);
      }
      while (!stopping_ && running_.size() < jobs_ && next < to_run_.size()) {
        spawn(to_run_[next++]);
      }
      if (running_.empty()) break;
      reap();
    }
    if (tty_ && !quiet_ && total_ > 0) std::fprintf(stderr, "\n");
  }

 private:
  void spawn(const SweepPoint& p) {
    const std::string rel = "points/" + std::to_string(p.index);
    fs::remove_all(out_ + "/" + rel);
    fs::create_directories(out_ + "/" + rel);
    // With `sweep.capacity` the point is a capacity search (its probes check invariants).
    const bool capacity = !sweep_.capacity_args.empty();
    std::vector<std::string> args{exe_, capacity ? "capacity" : "run", "base.yaml", "--out", rel};
    if (capacity) {
      args.push_back("--quiet");
      args.insert(args.end(), sweep_.capacity_args.begin(), sweep_.capacity_args.end());
    } else if (!check_) {
      args.push_back("--no-check");
    }
    for (const auto& o : sweep_.base_overrides) args.insert(args.end(), {"--set", o});
    for (const auto& o : p.overrides()) args.insert(args.end(), {"--set", o});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = rel + "/log.txt";
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
      // A point dies with its sweep (a SIGKILLed sweep leaves no point running that a --resume
      // could collide with). The point runs from OUT, so its messages name base.yaml the same
      // way in every sweep folder (shards and merges compare equal).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      const int in = open("/dev/null", O_RDONLY);
      if (chdir(out_.c_str()) != 0 || in < 0) _exit(127);
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0) _exit(127);
      dup2(in, STDIN_FILENO);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execv(exe_.c_str(), argv.data());
      _exit(127);
    }
    if (pid < 0) {
      record({p.index, "failed", p.values, std::string("cannot start: ") + std::strerror(errno),
              {}});
      return;
    }
    running_.emplace(pid, p);
  }

  void reap() {
    int status = 0;
    pid_t pid = -1;
    pid = waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR) return;  // a signal: the loop looks at it
    if (pid < 0) throw InputError(std::string("waitpid failed: ") + std::strerror(errno));
    const auto it = running_.find(pid);
    if (it == running_.end()) return;
    const SweepPoint p = std::move(it->second);
    running_.erase(it);
    const std::string dir = out_ + "/points/" + std::to_string(p.index);
    if (stopping_ && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      std::error_code ec;
      fs::remove_all(dir, ec);  // stopped by us: not a result, and not journaled
      return;
    }
    JournalEntry e{p.index, "ok", p.values, "", {}};
    const bool capacity = !sweep_.capacity_args.empty();
    // A capacity search whose lowest load misses exits 1 with its capacity.json: capacity 0.
    const bool capacity_none = capacity && WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
                               fs::exists(dir + "/capacity.json");
    if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) || capacity_none) {
      try {
        if (capacity) {
          const std::string run = dir + "/run/summary.json";
          e.metrics = capacity_sweep_metrics(read_file(dir + "/capacity.json"),
                                             fs::exists(run) ? read_file(run) : "");
        } else {
          e.metrics = summary_metrics(read_file(dir + "/summary.json"));
        }
      } catch (const InputError& err) {
        e.status = "failed";
        e.error = std::string(capacity ? "no readable capacity.json: " : "no readable summary.json: ") + err.what();
      }
    } else {
      // Exit status 2 is a point the validator rejected (layout, memory): final. Anything else
      // (a signal such as the OOM killer's SIGKILL, 74 for an output it could not write, a
      // crash) is the environment's failure, re-run by --resume.
      e.status = WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "invalid" : "failed";
      std::string why;
      if (WIFSIGNALED(status))
        why = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
              strsignal(WTERMSIG(status)) + ")";
      else if (e.status == "failed")
        why = "exit status " + std::to_string(WEXITSTATUS(status));
      const std::string head = first_log_lines(dir + "/log.txt");
      e.error = why.empty() ? head : head.empty() ? why : why + ": " + head;
    }
    ++run_done_;
    record(std::move(e));
  }

  void record(JournalEntry e) {
    const std::string line = journal_line(e);
    append_durably(journal_fd_, line, out_ + "/journal.jsonl");
    ++done_;
    if (quiet_) return;
    if (tty_) {
      draw_bar();
    } else {
      std::string msg = "  " + std::to_string(done_) + "/" + std::to_string(total_) + "  point " +
                        std::to_string(e.index) + ": " + e.status;
      if (!e.error.empty()) msg += ": " + e.error.substr(0, 160);
      std::fprintf(stderr, "%s\n", msg.c_str());
    }
  }

  void draw_bar() const {
    constexpr int kWidth = 30;
    const double frac = total_ > 0 ? double(done_) / double(total_) : 1.0;
    const int filled = int(frac * kWidth);
    std::string bar(std::size_t(filled), '=');
    bar.resize(kWidth, ' ');
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    char tail[96] = "";
    // Rate and ETA count points that ran; filtered points cost nothing.
    if (run_done_ > 0 && elapsed > 0) {
      const double rate = double(run_done_) / elapsed;
      const std::size_t left = to_run_.size() > run_done_ ? to_run_.size() - run_done_ : 0;
      std::snprintf(tail, sizeof tail, "  %.2f points/s  ETA %s", rate,
                    duration_text(double(left) / rate).c_str());
    }
    std::fprintf(stderr, "\r  [%s] %zu/%zu points%s   ", bar.c_str(), done_, total_, tail);
    std::fflush(stderr);
  }

  std::string out_;
  const SweepFile& sweep_;
  std::size_t jobs_;
  bool quiet_, check_, tty_;
  std::string exe_;
  int journal_fd_ = -1;
  std::vector<SweepPoint> to_run_;
  std::map<pid_t, SweepPoint> running_;
  bool stopping_ = false;
  std::size_t total_ = 0, done_ = 0, run_done_ = 0;
  Clock::time_point start_;
};

}  // namespace

int cmd_sweep(int argc, char** argv) {
  const Args a(argc, argv, 2, command_spec("sweep"));
  if (a.has("status")) {
    if (!a.positionals().empty() || a.has("jobs") || a.has("out") || a.has("shard") ||
        a.has("set") || a.has("resume") || a.has("no-check") || a.has("dry-run")) {
      throw UsageError("--status DIR takes no sweep file and no other option");
    }
    return sweep_status(*a.get("status"));
  }
  if (a.positionals().size() != 1) {
    throw UsageError(a.usage());
  }
  const long long jobs_arg =
      a.get_int("jobs", std::max<long long>(1, std::thread::hardware_concurrency()));
  if (jobs_arg < 1 || jobs_arg > static_cast<long long>(kMaxJobs)) {
    throw UsageError("--jobs expects 1 to " + std::to_string(kMaxJobs) + ", got " +
                     std::to_string(jobs_arg));
  }
  const auto [shard, shards] =
      a.has("shard") ? parse_shard(*a.get("shard")) : std::pair<std::size_t, std::size_t>{0, 1};
  install_stop_handlers();
  const SweepFile sweep = load_sweep_file(a.positionals()[0], a.all("set"));
  if (a.has("dry-run")) {
    // The sweep file and its values are checked (above); nothing is run or written.
    std::size_t run = 0, filtered = 0, invalid = 0;
    const auto indices = shard_indices(sweep_size(sweep.spec), shard, shards);
    for (std::size_t i : indices) {
      const PointFate f = sweep_point(sweep.spec, i).fate;
      ++(f == PointFate::kRun ? run : f == PointFate::kFiltered ? filtered : invalid);
    }
    std::printf("moesim sweep: %s: ok, %zu points", sweep.name.c_str(), sweep_size(sweep.spec));
    if (shards > 1) std::printf(", shard %zu/%zu: %zu of them", shard, shards, indices.size());
    std::printf(" (%zu to run, %zu filtered, %zu invalid before running); nothing run\n", run,
                filtered, invalid);
    return 0;
  }
  std::string out = a.get_or("out", "results/" + sweep.name + "-sweep");
  if (!a.has("out") && shards > 1) {
    out += "-shard-" + std::to_string(shard) + "-of-" + std::to_string(shards);
  }
  const SweepManifest manifest{sweep.name,
                               sweep_size(sweep.spec),
                               swept_paths(sweep.spec),
                               sweep.base_overrides,
                               shard,
                               shards,
                               sweep.capacity_args};
  const OutputLock lock(out, "sweep");
  const std::set<std::size_t> done =
      prepare_sweep_folder(out, manifest, sweep.base_text, a.has("resume"));
  std::vector<std::size_t> todo;
  for (std::size_t i : shard_indices(manifest.points, shard, shards)) {
    if (!done.count(i)) todo.push_back(i);
  }
  std::printf("moesim sweep: %s: %zu points", sweep.name.c_str(), manifest.points);
  if (shards > 1) std::printf(", shard %zu/%zu", shard, shards);
  if (!done.empty()) std::printf(", %zu already done", done.size());
  std::printf(", %zu to do, %lld at a time -> %s/\n", todo.size(), jobs_arg, out.c_str());
  std::fflush(stdout);
  SweepRunner runner(out, sweep, std::size_t(jobs_arg), a.has("quiet"), !a.has("no-check"));
  runner.run(todo);
  throw_if_interrupted();  // results.csv is written only by a sweep that ran to its end
  const SweepCounts c = write_results(out, manifest);
  std::printf(
      "moesim sweep: %zu ok, %zu invalid, %zu failed, %zu filtered; results in %s/results.csv\n",
      c.ok, c.invalid, c.failed, c.filtered, out.c_str());
  if (c.ok == 0 && !c.first_error.empty()) {
    std::fprintf(stderr, "moesim sweep: no point succeeded; the first error: %s\n",
                 c.first_error.c_str());
  }
  return 0;
}

}  // namespace moesim
