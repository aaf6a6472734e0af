#include "cli/sweep_files.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/atomic_file.hpp"
#include "models/errors.hpp"

namespace moesim {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

SweepManifest read_manifest(const std::string& path) {
  const std::string text = read_file(path);
  try {
    return parse_manifest(text);
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

std::string first_log_lines(const std::string& path, std::size_t lines) {
  std::ifstream in(path);
  std::string out, line;
  std::size_t taken = 0;
  while (taken < lines && std::getline(in, line)) {
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    const auto e = line.find_last_not_of(" \t\r");
    line = line.substr(b, e - b + 1);
    // The CLI's closing "N error(s)" adds nothing to the messages before it.
    if (line.size() > 9 && line.compare(line.size() - 9, 9, " error(s)") == 0 &&
        line.find_first_not_of("0123456789") == line.size() - 9) {
      continue;
    }
    out += (taken++ ? " | " : "") + line;
  }
  if (out.size() > 500) out = out.substr(0, 497) + "...";
  return out;
}

void append_durably(int fd, const std::string& text, const std::string& name) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw InputError("cannot write " + name + ": " + std::strerror(errno));
    done += std::size_t(n);
  }
  if (fsync(fd) != 0) throw InputError("cannot sync " + name + ": " + std::strerror(errno));
}

std::set<std::size_t> prepare_sweep_folder(const std::string& out, const SweepManifest& manifest,
                                           const std::string& base_text, bool resume) {
  std::error_code ec;
  fs::create_directories(out + "/points", ec);
  if (ec) throw InputError("cannot create output folder " + out + ": " + ec.message());
  const std::string journal = out + "/journal.jsonl";
  std::set<std::size_t> done;
  if (resume && fs::exists(out + "/sweep.json")) {
    const SweepManifest old = read_manifest(out + "/sweep.json");
    if (!(old == manifest) || read_file(out + "/base.yaml") != base_text) {
      throw InputError(out +
                       " holds a different sweep (its sweep.json or base.yaml differ); "
                       "resume with the same file, --set and --shard, or choose another --out");
    }
    if (fs::exists(journal)) {
      const Journal j = parse_journal(read_file(journal));
      // A failed point (killed, an output it could not write) runs again; its journal line stays
      // until the new attempt's supersedes it (unique_entries).
      for (const auto& e : j.entries) {
        if (e.status != "failed") done.insert(e.index);
      }
      if (j.bad_lines > 0) {
        std::string text;
        for (const auto& e : j.entries) text += journal_line(e);
        write_file_atomic(journal, text);
      }
    }
    return done;
  }
  fs::remove(journal, ec);
  fs::remove(out + "/results.csv", ec);
  fs::remove_all(out + "/points", ec);
  fs::create_directories(out + "/points", ec);
  if (ec) throw InputError("cannot prepare " + out + "/points: " + ec.message());
  write_file_atomic(out + "/base.yaml", base_text);
  write_file_atomic(out + "/sweep.json", manifest_json(manifest));
  return done;
}

SweepCounts write_results(const std::string& out, const SweepManifest& manifest) {
  const std::string journal = out + "/journal.jsonl";
  const std::vector<JournalEntry> entries =
      unique_entries(fs::exists(journal) ? parse_journal(read_file(journal)).entries
                                         : std::vector<JournalEntry>{});
  SweepCounts c;
  for (const auto& e : entries) {
    if (e.status == "ok") ++c.ok;
    if (e.status == "filtered") ++c.filtered;
    if (e.status == "invalid") ++c.invalid;
    if (e.status == "failed") ++c.failed;
    if ((e.status == "invalid" || e.status == "failed") && c.first_error.empty()) {
      c.first_error = "point " + std::to_string(e.index) + ": " + e.error;
    }
  }
  write_file_atomic(out + "/results.csv", results_csv(manifest.columns, entries));
  return c;
}

}  // namespace moesim
