// Typed errors library code throws instead of exiting (the CLI maps them to exit status 2).
#pragma once

#include <stdexcept>
#include <string>

namespace moesim {

// A user's input is wrong (unknown plug-in name, parameter out of range, layout that cannot run).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An input file is unreadable or malformed (trace rows, tables).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output could not be written although its path was usable: disk full, file size limit, I/O
// error. The environment failed, not the input: the CLI exits with status 74 (EX_IOERR), and a
// sweep re-runs such a point on --resume.
class OutputError : public InputError {
 public:
  using InputError::InputError;
};

// A simulator invariant failed (conservation, KV capacity, causality): a bug, reported with the
// request and step it concerns.
class InvariantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace moesim
