// An exclusive lock on an output folder, so that two commands writing into the same folder
// (two sweeps with the same --out, a run into a sweep's folder) cannot lose each other's files:
// the second is refused with an InputError (exit status 2). The lock is flock(2) on the folder
// itself: the kernel releases it when the holder exits, however it ends (a SIGKILL included), so
// a stale lock never needs cleaning up. Child processes do not inherit it (close-on-exec).
#pragma once

#include <string>

namespace moesim {

class OutputLock {
 public:
  // Creates `dir` when missing (InputError "cannot create output folder DIR: ..."), then locks it.
  // `what` names the holder in the refusal ("sweep", "run").
  OutputLock(const std::string& dir, const std::string& what);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace moesim
