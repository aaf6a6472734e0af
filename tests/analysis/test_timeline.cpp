// The Perfetto timeline of `moesim run --timeline`: written, parsed back with the generated
// classes, and checked for what ui.perfetto.dev needs (balanced, nested slices per track).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "analysis/perfetto_trace.pb.h"
#include "analysis/timeline.hpp"
#include "models/errors.hpp"
#include "models/rng.hpp"
#include "tests/test_support.hpp"

using namespace moesim;
namespace pf = moesim::perfetto;

namespace {

struct Recorder final : SimObserver {
  int steps = 0, itl = 0, finished = 0, rejected = 0;
  std::string last_reason;
  void on_step(const StepRecord&) override { ++steps; }
  void on_itl(const std::vector<double>&) override { ++itl; }
  void on_finished(const Sequence&) override { ++finished; }
  void on_rejected(const Sequence&, const char* reason) override {
    ++rejected;
    last_reason = reason;
  }
};

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("moesim_timeline_" + std::to_string(getpid()) + "_" + name + ".perfetto-trace"))
      .string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

pf::Trace read_trace(const std::string& path) {
  pf::Trace t;
  REQUIRE(t.ParseFromString(slurp(path)));
  return t;
}

StepRecord step(int instance, double start, double duration, std::int64_t tokens, std::int64_t kv) {
  StepRecord s;
  s.instance = instance;
  s.start = Seconds(start);
  s.duration = Seconds(duration);
  s.sequences = 2;
  s.tokens = tokens;
  s.kv_blocks_used = kv;
  s.attention = Seconds(duration / 4);
  return s;
}

Sequence seq(std::uint64_t id, double arrival, double first_token, double finish,
             double prefill_end = -1, double kv_arrival = -1) {
  Request r;
  r.id = id;
  r.arrival = Seconds(arrival);
  r.prompt_tokens = 100 + std::int64_t(id);
  r.output_tokens = 10;
  Sequence s(r, 1);
  s.instance = 1;
  s.prefill_start = Seconds(arrival);
  s.prefill_end = Seconds(prefill_end);
  s.kv_arrival = Seconds(kv_arrival);
  s.first_token = Seconds(first_token);
  s.finish = Seconds(finish);
  return s;
}

const pf::DebugAnnotation* find(const pf::TrackEvent& e, const std::string& name) {
  for (const auto& a : e.debug_annotations()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

// Replays a parsed trace the way Perfetto nests slices: per track a stack of open slices.
struct Replay {
  std::map<std::uint64_t, const pf::TrackDescriptor*> tracks;
  std::map<std::string, std::uint64_t> by_name;
  std::map<std::string, std::pair<const pf::TrackEvent*, std::uint64_t>>
      begins;  // name -> (event, ts)
  std::map<std::uint64_t, int> max_depth;
  std::map<std::uint64_t, std::vector<std::int64_t>> counters;
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, std::uint64_t>>> slices;

  explicit Replay(const pf::Trace& t) {
    std::map<std::uint64_t, std::vector<std::uint64_t>> open;
    std::uint64_t last_ts = 0;
    for (const auto& p : t.packet()) {
      CHECK(p.trusted_packet_sequence_id() == 1);
      if (p.has_track_descriptor()) {
        const auto& d = p.track_descriptor();
        CHECK(tracks.count(d.uuid()) == 0);
        tracks[d.uuid()] = &d;
        by_name[d.name()] = d.uuid();
        if (d.has_parent_uuid()) CHECK(tracks.count(d.parent_uuid()) == 1);
        continue;
      }
      REQUIRE(p.has_track_event());
      CHECK(p.timestamp() >= last_ts);
      last_ts = p.timestamp();
      const auto& e = p.track_event();
      REQUIRE(tracks.count(e.track_uuid()) == 1);
      auto& stack = open[e.track_uuid()];
      switch (e.type()) {
        case pf::TrackEvent::TYPE_SLICE_BEGIN:
          stack.push_back(p.timestamp());
          max_depth[e.track_uuid()] = std::max(max_depth[e.track_uuid()], int(stack.size()));
          begins[e.name()] = {&e, p.timestamp()};
          break;
        case pf::TrackEvent::TYPE_SLICE_END:
          REQUIRE(!stack.empty());
          CHECK(p.timestamp() >= stack.back());
          slices[e.track_uuid()].push_back({stack.back(), p.timestamp()});
          stack.pop_back();
          break;
        case pf::TrackEvent::TYPE_COUNTER:
          CHECK(tracks[e.track_uuid()]->has_counter());
          counters[e.track_uuid()].push_back(e.counter_value());
          break;
        default:
          CHECK(e.type() == pf::TrackEvent::TYPE_INSTANT);
      }
    }
    for (const auto& [uuid, stack] : open) CHECK(stack.empty());
  }
};

}  // namespace

TEST_CASE("timeline of a disaggregated run: tracks, slices, annotations, forwarding") {
  Recorder rec;
  const std::string path = temp_path("disagg");
  TimelineWriter w(rec, path, {InstanceRole::kPrefill, InstanceRole::kDecode});
  // Prefill instance 0: two steps back to back; decode instance 1: two abutting steps.
  w.on_step(step(0, 0.000, 0.010, 201, 14));
  w.on_step(step(0, 0.010, 0.020, 50, 9));
  w.on_step(step(1, 0.015, 0.005, 2, 30));
  w.on_step(step(1, 0.020, 0.005, 3, 31));
  w.on_itl({0.005});
  // Requests 0 and 1 overlap (two lanes); request 2 arrives when request 1 finishes and takes
  // its lane (1), the lowest free one.
  w.on_finished(seq(0, 0.000, 0.016, 0.050, 0.010, 0.012));
  w.on_finished(seq(1, 0.001, 0.020, 0.030, 0.010, 0.013));
  w.on_finished(seq(2, 0.030, 0.035, 0.040));
  Sequence bad = seq(3, 0.002, -1, -1);
  w.on_rejected(bad, "longer than max_model_len");
  w.commit();

  CHECK(rec.steps == 4);
  CHECK(rec.itl == 1);
  CHECK(rec.finished == 3);
  CHECK(rec.rejected == 1);
  CHECK(rec.last_reason == "longer than max_model_len");
  CHECK(w.request_lanes() == 2);

  const pf::Trace t = read_trace(path);
  REQUIRE(t.packet_size() > 0);
  CHECK(t.packet(0).sequence_flags() == pf::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
  const Replay r(t);
  for (const char* name : {"instance 0 (prefill)", "instance 1 (decode)", "requests",
                           "requests lane 0", "requests lane 1", "kv transfers",
                           "kv transfers lane 0", "kv transfers lane 1", "rejected requests"}) {
    CHECK_MESSAGE(r.by_name.count(name) == 1, name);
  }
  CHECK(r.by_name.count("requests lane 2") == 0);
  const std::uint64_t inst0 = r.by_name.at("instance 0 (prefill)");
  const std::uint64_t kv0 = r.by_name.at("instance 0 kv blocks used");
  CHECK(r.tracks.at(kv0)->parent_uuid() == inst0);
  CHECK(r.tracks.at(r.by_name.at("requests lane 1"))->parent_uuid() == r.by_name.at("requests"));

  // Steps: 10 ms and 20 ms on instance 0 -> slices [0, 10 ms] and [10, 30 ms] (ns).
  REQUIRE(r.slices.at(inst0).size() == 2);
  CHECK(r.slices.at(inst0)[0] == std::pair<std::uint64_t, std::uint64_t>{0, 10'000'000});
  CHECK(r.slices.at(inst0)[1] == std::pair<std::uint64_t, std::uint64_t>{10'000'000, 30'000'000});
  CHECK(r.max_depth.at(inst0) == 1);
  CHECK(r.max_depth.at(r.by_name.at("instance 1 (decode)")) == 1);  // abutting, not nested
  CHECK(r.counters.at(kv0) == std::vector<std::int64_t>{0, 14, 9});

  // Lanes hold one slice at a time.
  for (const auto& [uuid, d] : r.tracks) {
    if (d->name().find(" lane ") != std::string::npos) CHECK(r.max_depth.at(uuid) == 1);
  }

  // Annotations carry the values given.
  const pf::TrackEvent* first_step = nullptr;
  for (const auto& p : t.packet()) {
    if (p.has_track_event() && p.track_event().track_uuid() == inst0 && p.timestamp() == 0 &&
        p.track_event().type() == pf::TrackEvent::TYPE_SLICE_BEGIN) {
      first_step = &p.track_event();
    }
  }
  REQUIRE(first_step != nullptr);
  CHECK(first_step->name() == "step");
  CHECK(find(*first_step, "tokens")->int_value() == 201);
  CHECK(find(*first_step, "sequences")->int_value() == 2);
  CHECK(find(*first_step, "kv_blocks_used")->int_value() == 14);
  CHECK(find(*first_step, "attention_s")->double_value() == doctest::Approx(0.0025));

  const auto& [req1, req1_ts] = r.begins.at("request 1");
  CHECK(req1_ts == 1'000'000);
  CHECK(find(*req1, "prompt_tokens")->int_value() == 101);
  CHECK(find(*req1, "output_tokens")->int_value() == 10);
  CHECK(find(*req1, "ttft_s")->double_value() == doctest::Approx(0.019).epsilon(1e-9));
  CHECK(req1->track_uuid() == r.by_name.at("requests lane 1"));
  CHECK(r.begins.at("request 2").first->track_uuid() == r.by_name.at("requests lane 1"));
  CHECK(r.begins.at("request 0").first->track_uuid() == r.by_name.at("requests lane 0"));

  // KV transfers: 10 -> 12 ms and 10 -> 13 ms overlap, so two lanes; request 2 had none.
  CHECK(r.begins.at("kv 0").second == 10'000'000);
  CHECK(find(*r.begins.at("kv 1").first, "transfer_s")->double_value() ==
        doctest::Approx(0.003).epsilon(1e-9));
  CHECK(r.begins.count("kv 2") == 0);
  std::filesystem::remove(path);
}

TEST_CASE("timeline bytes are deterministic and independent of the finish order") {
  Recorder rec;
  const std::string a = temp_path("a"), b = temp_path("b");
  std::vector<Sequence> seqs;
  for (std::uint64_t i = 0; i < 20; ++i) {
    const double arrival = 0.001 * double(i % 7);  // equal arrivals: ties broken by id
    seqs.push_back(seq(i, arrival, arrival + 0.002, arrival + 0.004 + 0.001 * double(i % 3)));
  }
  TimelineWriter wa(rec, a, {InstanceRole::kColocated});
  TimelineWriter wb(rec, b, {InstanceRole::kColocated});
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    wa.on_finished(seqs[i]);
    wb.on_finished(seqs[seqs.size() - 1 - i]);
  }
  for (TimelineWriter* w : {&wa, &wb}) {
    w->on_step(step(0, 0.0, 0.003, 5, 1));
    w->on_step(step(0, 0.003, 0.003, 5, 2));
  }
  wa.commit();
  wb.commit();
  const std::string bytes = slurp(a);
  CHECK(!bytes.empty());
  CHECK(bytes == slurp(b));
  wa.commit();  // rewriting gives the same bytes
  CHECK(bytes == slurp(a));
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST_CASE("request lanes never overlap and number the peak of concurrent requests") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    Recorder rec;
    const std::string path = temp_path("lanes" + std::to_string(seed));
    TimelineWriter w(rec, path, {});
    RandomStream rng(seed, "timeline-lanes");
    // Whole microseconds, so every span converts to nanoseconds exactly.
    std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // [arrival, finish) in us
    for (std::uint64_t id = 0; id < 300; ++id) {
      const std::int64_t begin = std::int64_t(rng.uniform() * 10000);
      const std::int64_t end = begin + 1 + std::int64_t(rng.uniform() * 500);
      spans.push_back({begin, end});
      w.on_finished(seq(id, double(begin) * 1e-6, double(begin) * 1e-6, double(end) * 1e-6));
    }
    // Peak overlap of half-open spans: sweep ends before begins at equal times.
    std::vector<std::pair<std::int64_t, int>> edges;
    for (const auto& [b, e] : spans) {
      edges.push_back({b, +1});
      edges.push_back({e, -1});
    }
    std::sort(edges.begin(), edges.end());
    int now = 0, peak = 0;
    for (const auto& [time, d] : edges) peak = std::max(peak, now += d);
    CHECK(w.request_lanes() == peak);

    w.commit();
    const pf::Trace t = read_trace(path);
    const Replay r(t);
    int lanes = 0;
    for (const auto& [uuid, d] : r.tracks) {
      if (d->name().rfind("requests lane ", 0) != 0) continue;
      ++lanes;
      const auto& s = r.slices.at(uuid);
      for (std::size_t i = 1; i < s.size(); ++i) CHECK(s[i - 1].second <= s[i].first);
    }
    CHECK(lanes == peak);
    std::size_t total = 0;
    for (const auto& [uuid, s] : r.slices) total += s.size();
    CHECK(total == spans.size());
    std::filesystem::remove(path);
  }
}

TEST_CASE("timeline into a missing folder throws and leaves no file") {
  Recorder rec;
  const std::string path = temp_path("missing") + ".d/none/t.perfetto-trace";
  TimelineWriter w(rec, path, {InstanceRole::kColocated});
  w.on_step(step(0, 0.0, 0.001, 1, 1));
  CHECK_THROWS_AS(w.commit(), InputError);
  CHECK(!std::filesystem::exists(path));
}

TEST_CASE("moesim run --timeline writes a trace with every step and completed request") {
  const std::string dir = test::temp_dir("timeline-run");
  const std::string run = "run --quiet --out " + dir + " --timeline " + dir + "/t.perfetto-trace";
  const auto r = test::run_moesim(run);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const std::string first = slurp(dir + "/t.perfetto-trace");
  REQUIRE(test::run_moesim(run).status == 0);
  CHECK(first == slurp(dir + "/t.perfetto-trace"));  // byte-identical twice

  const pf::Trace t = read_trace(dir + "/t.perfetto-trace");
  const Replay replay(t);
  std::istringstream steps(test::read_text(dir + "/steps.csv"));
  std::istringstream requests(test::read_text(dir + "/requests.csv"));
  std::size_t step_rows = 0, completed = 0, request_slices = 0;
  for (std::string line; std::getline(steps, line);) ++step_rows;
  for (std::string line; std::getline(requests, line);) {
    completed += line.find(",completed") != std::string::npos;
  }
  for (const auto& [name, begin] : replay.begins) request_slices += name.rfind("request ", 0) == 0;
  REQUIRE(replay.by_name.count("instance 0 (colocated)") == 1);
  CHECK(replay.slices.at(replay.by_name.at("instance 0 (colocated)")).size() == step_rows - 1);
  CHECK(completed > 0);
  CHECK(request_slices == completed);
  std::filesystem::remove_all(dir);
}
