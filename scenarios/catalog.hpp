// The model and hardware catalogs (models/catalog/*/NAME.yaml, embedded in the binary), and the
// readers that turn a YAML map into a ModelArch or a Hardware. A scenario section is a preset
// name, a map with `preset:` plus overrides of any field, or a complete inline description.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/hardware.hpp"
#include "models/model_arch.hpp"
#include "scenarios/yaml_reader.hpp"

namespace moesim {

enum class CatalogKind { kModels, kHardware, kLinks };

[[nodiscard]] std::vector<std::string> catalog_names(CatalogKind kind);
// Embedded path of a preset ("models/catalog/hardware/h100-sxm.yaml"), or nullopt.
[[nodiscard]] std::optional<std::string> catalog_path(CatalogKind kind, const std::string& name);
[[nodiscard]] const char* catalog_text(const std::string& path);

// Reads the fields of a model map into `m`. With Req::kRequired every field must be present
// (a full description); with kOptional only present fields override `m` (a preset's values).
void read_model_fields(MapReader& r, ModelArch& m, Req req);
void read_hardware_fields(MapReader& r, Hardware& h, Req req);
// An hourly price per device in US dollars at `key` (a plain number > 0, e.g. 2.5): the
// scenario's `cost.price_per_device_hour` and the hardware's `price_per_device_hour`.
bool read_price_per_device_hour(MapReader& r, const std::string& key, std::optional<double>& out);

// Resolves a scenario section (preset name, preset + overrides, or inline) at `key` of
// `parent`. Returns false (with diagnostics) on failure.
bool read_model_section(MapReader& parent, const std::string& key, ModelArch& out, Req req);
bool read_hardware_section(MapReader& parent, const std::string& key, Hardware& out);

// Loads one preset by name, throwing ScenarioError with the catalog's diagnostics on failure.
[[nodiscard]] ModelArch load_model_preset(const std::string& name);
[[nodiscard]] Hardware load_hardware_preset(const std::string& name);

// A measured collective table named by `text`: a path (relative to the working directory, then
// to `scenario_file`'s folder), else a folder of models/profiles/ in the source tree. A folder
// must hold collective.csv. Empty when none exists.
[[nodiscard]] std::string find_collective_profile(const std::string& text,
                                                  const std::string& scenario_file);

}  // namespace moesim
