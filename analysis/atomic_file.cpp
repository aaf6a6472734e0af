#include "analysis/atomic_file.hpp"

#include <cstdio>
#include <filesystem>

#include "models/errors.hpp"

namespace moesim {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".partial") {
  out_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw InputError("cannot write " + tmp_);
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::remove(tmp_.c_str());
  }
}

void AtomicFile::commit() {
  out_.flush();
  const bool ok = bool(out_);
  out_.close();
  if (!ok) throw InputError("write error on " + tmp_);
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw InputError("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  f.out() << text;
  f.commit();
}

}  // namespace moesim
