// --set path=value: edits the parsed YAML tree before it is read, so overrides are validated
// exactly like file content. A preset name or plug-in name on the way is turned into a map
// ({preset: name} or {name: name}) so that one of its fields can be overridden.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "scenarios/yaml_reader.hpp"

namespace moesim {

// Applies each override to `root`; records "--set ..." as the location of the path in `ctx`.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides,
                     ReadContext& ctx);

}  // namespace moesim
