#include "cli/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "models/errors.hpp"

namespace moesim {

OutputLock::OutputLock(const std::string& dir, const std::string& what) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError("cannot create output folder " + dir + ": " + ec.message());
  fd_ = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw InputError("cannot open output folder " + dir + ": " + std::strerror(errno));
  int rc = 0;
  do {
    rc = flock(fd_, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw InputError(dir + " is being written by another moesim process; wait for it to end or "
                       "choose another --out (this " + what + " changed nothing)");
    }
    throw InputError("cannot lock output folder " + dir + ": " + std::strerror(err));
  }
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace moesim
