// The link-class catalog (models/catalog/links/NAME.yaml, embedded): per-call costs and
// efficiency curves of one class of link, read into LinkClassFigures for the `link_class`
// communication model (models/comm_efficiency_link_class.hpp). File format in
// models/catalog/links/README.md.
#pragma once

#include <string>

#include "models/hardware.hpp"
#include "scenarios/yaml_reader.hpp"

namespace moesim {

// Reads `class` of the link map `link` (scale_up / scale_out of a hardware section) and loads
// that class's figures into `out`. Problems of the class file are reported against its own path
// and line; an unknown class lists the valid ones. Absent `class`: `out` is left as it is.
void read_link_class(MapReader& link, LinkClassFigures& out);

// After a hardware section is read: the `link_class` model needs a class on both links; a
// missing one is reported at `hw_reader`'s map (file, line, key `scale_up.class`).
void check_link_classes(MapReader& hw_reader, const Hardware& h);

}  // namespace moesim
