// Per-row cost of reading a JSON-lines trace (bench/RESULTS.md, "JSON-lines rows"): the
// hand-written row reader of workloads/flat_json against nlohmann-json, DOM (json::parse) and SAX
// (values straight into the record, no tree). Each reader fills the fields MooncakeSource reads
// (timestamp, input_length, output_length, hash_ids); the best of 5 passes over REPEAT copies of
// the file is reported. Not part of the build:
//   g++ -std=c++20 -O3 -DNDEBUG -I. bench/json_rows.cpp workloads/flat_json.cpp -o /tmp/json_rows
//   /tmp/json_rows data/traces/mooncake-fast25/conversation_trace.jsonl 10
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/flat_json.hpp"

namespace {

struct Row {
  double ms = 0;
  std::int64_t prompt = 0, output = 0;
  std::vector<std::uint64_t> ids;
};

template <typename T>
void number(const std::string& s, T& out) {
  std::from_chars(s.data(), s.data() + s.size(), out);
}

void hand_written(const std::string& line, Row& r) {
  const auto fields = moesim::parse_flat_json_object(line);
  r.ids.clear();
  for (const auto& f : fields) {
    if (f.key == "timestamp") number(f.text, r.ms);
    if (f.key == "input_length") number(f.text, r.prompt);
    if (f.key == "output_length") number(f.text, r.output);
    if (f.key != "hash_ids") continue;
    for (const auto& item : f.items) {
      std::uint64_t id = 0;
      number(item, id);
      r.ids.push_back(id);
    }
  }
}

void nlohmann_dom(const std::string& line, Row& r) {
  const auto j = nlohmann::json::parse(line);
  r.ms = j.at("timestamp").get<double>();
  r.prompt = j.at("input_length").get<std::int64_t>();
  r.output = j.at("output_length").get<std::int64_t>();
  r.ids.clear();
  for (const auto& v : j.at("hash_ids")) r.ids.push_back(v.get<std::uint64_t>());
}

class RowSax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit RowSax(Row& r) : r_(r) {}
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t v) override { return value(double(v)); }
  bool number_unsigned(number_unsigned_t v) override {
    if (field_ == 4) {
      r_.ids.push_back(v);
      return true;
    }
    return value(double(v));
  }
  bool number_float(number_float_t v, const string_t&) override { return value(v); }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t& k) override {
    field_ = k == "timestamp"       ? 1
             : k == "input_length"  ? 2
             : k == "output_length" ? 3
             : k == "hash_ids"      ? 4
                                    : 0;
    return true;
  }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error(e.what());
  }

 private:
  bool value(double v) {
    if (field_ == 1) r_.ms = v;
    if (field_ == 2) r_.prompt = std::int64_t(v);
    if (field_ == 3) r_.output = std::int64_t(v);
    return true;
  }
  Row& r_;
  int field_ = 0;
};

void nlohmann_sax(const std::string& line, Row& r) {
  r.ids.clear();
  RowSax sax(r);
  nlohmann::json::sax_parse(line, &sax);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: json_rows TRACE.jsonl [REPEAT]\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  const int repeat = argc > 2 ? std::atoi(argv[2]) : 10;
  const double rows = double(lines.size()) * repeat;
  auto time = [&](const char* name, auto read) {
    double best = 1e300;
    std::uint64_t check = 0;  // the same for every reader, or one of them reads wrongly
    for (int pass = 0; pass < 5; ++pass) {
      Row r;
      check = 0;
      const auto t0 = std::chrono::steady_clock::now();
      for (int k = 0; k < repeat; ++k) {
        for (const auto& l : lines) {
          read(l, r);
          check += std::uint64_t(r.prompt + r.output) + r.ids.size() + std::uint64_t(r.ms);
        }
      }
      const std::chrono::duration<double> s = std::chrono::steady_clock::now() - t0;
      best = std::min(best, s.count());
    }
    std::printf("%-24s %7.3f s for %.0f rows, %6.2f us/row (check %llu)\n", name, best, rows,
                best * 1e6 / rows, static_cast<unsigned long long>(check));
    return best;
  };
  const double hand = time("hand-written row reader", hand_written);
  const double dom = time("nlohmann::json::parse", nlohmann_dom);
  const double sax = time("nlohmann SAX", nlohmann_sax);
  std::printf("per row against the hand-written reader: parse %.2fx, SAX %.2fx\n", dom / hand,
              sax / hand);
}
