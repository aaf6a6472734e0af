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

// A simulator invariant failed (conservation, KV capacity, causality): a bug, reported with the
// request and step it concerns.
class InvariantError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace moesim
