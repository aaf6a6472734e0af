#include "analysis/atomic_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "models/errors.hpp"

namespace moesim {
namespace {

namespace fs = std::filesystem;

// Where a link points, so that the temporary sits beside the real file and the rename keeps the
// link. A dangling link resolves to the path it names.
std::string resolve_link(const std::string& path) {
  fs::path p(path);
  for (int hops = 0; hops < 40; ++hops) {  // 40: the kernel's own limit on a chain of links
    struct stat st {};
    if (lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    std::error_code ec;
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p.lexically_normal().string();
}

}  // namespace

bool is_special_file(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return false;
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  if (is_special_file(path_)) {
    through_ = true;
    tmp_ = path_;
    out_.open(path_, std::ios::binary);
    if (!out_) throw InputError("cannot write " + path_);
    return;
  }
  path_ = resolve_link(path_);
  tmp_ = path_ + ".partial";
  out_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw InputError("cannot write " + tmp_);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    if (!through_) std::remove(tmp_.c_str());
  }
}

void AtomicFile::finish() {
  if (finished_) return;
  errno = 0;
  out_.flush();
  const bool ok = bool(out_);
  const int err = errno;
  out_.close();
  if (!ok || out_.fail()) {
    throw OutputError("write error on " + tmp_ + (err ? std::string(": ") + std::strerror(err) : ""));
  }
  finished_ = true;
}

void AtomicFile::publish() {
  finish();
  if (!through_) {
    std::error_code ec;
    fs::rename(tmp_, path_, ec);
    if (ec) throw InputError("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  }
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  f.out() << text;
  f.commit();
}

}  // namespace moesim
