// Output files that are complete or absent: written under a temporary name and renamed into
// place only by commit().
#pragma once

#include <fstream>
#include <string>

namespace moesim {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary when not committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  std::ofstream& out() { return out_; }
  void commit();  // flush, close, rename; throws InputError on an I/O failure

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Writes `text` to `path` atomically.
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace moesim
