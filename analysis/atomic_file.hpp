// Output files that are complete or absent: written under a temporary name and renamed into
// place only when published.
//
// Special targets: a path that is a symbolic link is written at the file it points to (the link
// stays); a path that is (or links to) a FIFO, character or block device or socket is written
// through directly (`--out /dev/stdout` writes to stdout), since renaming over it would replace
// the special file with a regular one.
#pragma once

#include <fstream>
#include <string>

namespace moesim {

class AtomicFile {
 public:
  // Opens PATH.partial (or the special file itself). Throws InputError when it cannot be opened.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary when not published
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  std::ofstream& out() { return out_; }
  // Flush and close: the content is complete on disk under its temporary name. Throws
  // OutputError on a write failure (disk full, file size limit, I/O error). Idempotent.
  void finish();
  // finish(), then rename into place; throws InputError when the rename fails.
  void publish();
  void commit() { publish(); }  // the two steps at once
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  std::ofstream out_;
  bool through_ = false;  // writing directly to a special file
  bool finished_ = false, committed_ = false;
};

// Writes `text` to `path` atomically.
void write_file_atomic(const std::string& path, const std::string& text);

// True when `path` is, or is a link to, something other than a regular file or a folder (a FIFO,
// a device, a socket): such a target is written through, never replaced.
[[nodiscard]] bool is_special_file(const std::string& path);

}  // namespace moesim
