#include "analysis/timeline.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <ostream>
#include <queue>
#include <tuple>
#include <utility>

#include "analysis/atomic_file.hpp"
#include "analysis/perfetto_trace.pb.h"

namespace moesim {
namespace {

namespace pf = moesim::perfetto;

// One trusted sequence for the whole file: moesim is the only writer.
constexpr std::uint32_t kSequence = 1;

// Track uuids are (kind << 32) | index: stable across runs and never 0 (Perfetto's implicit
// global track).
enum class TrackKind : std::uint64_t {
  kInstance = 1,
  kKvCounter,
  kRequests,
  kRequestLane,
  kTransfers,
  kTransferLane,
  kRejected
};
std::uint64_t uuid(TrackKind k, std::uint64_t index = 0) {
  return (std::uint64_t(k) << 32) | index;
}

// Simulated seconds to trace nanoseconds; a negative time (moesim's "never") stays -1.
std::int64_t to_ns(Seconds s) {
  return s.value() < 0 ? -1 : std::int64_t(std::llround(s.value() * 1e9));
}

// A debug annotation named `name` on `e`, for the caller to set its value.
pf::DebugAnnotation& add(pf::TrackEvent& e, const char* name) {
  pf::DebugAnnotation& a = *e.add_debug_annotations();
  a.set_name(name);
  return a;
}

// A Trace is `repeated TracePacket packet = 1`, so the file is each packet serialized behind
// its field tag and length: packets are written one by one without holding the whole Trace.
void put(std::ostream& out, const pf::TracePacket& p) {
  const std::string bytes = p.SerializeAsString();
  out.put(char((1 << 3) | 2));  // field 1, wire type 2 (length-delimited)
  for (std::uint64_t v = bytes.size();; v >>= 7) {
    if (v < 0x80) {
      out.put(char(v));
      break;
    }
    out.put(char((v & 0x7f) | 0x80));
  }
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

struct Track {
  std::uint64_t uuid = 0, parent = 0;  // parent 0: top level
  std::string name;
  bool counter = false;
};

}  // namespace

const char* role_name(InstanceRole r) {
  constexpr const char* kNames[] = {"colocated", "prefill", "decode"};  // enum order
  const auto i = std::size_t(r);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

struct TimelineWriter::Event {
  // The values of Perfetto's TrackEvent.Type.
  enum class Phase : std::uint8_t { kBegin = 1, kEnd = 2, kInstant = 3, kCounter = 4 };
  enum class Source : std::uint8_t {
    kStep,
    kKvBlocks,
    kRequest,
    kFirstToken,
    kTransfer,
    kRejected
  };
  std::int64_t ts = 0;
  std::uint64_t track = 0;
  Phase phase = Phase::kBegin;
  Source source = Source::kStep;
  std::size_t index = 0;   // into steps_, requests_ or rejections_
  std::int64_t value = 0;  // counter value
};

TimelineWriter::TimelineWriter(SimObserver& inner, std::string path,
                               std::vector<InstanceRole> roles)
    : inner_(inner), path_(std::move(path)), roles_(std::move(roles)) {}

void TimelineWriter::on_step(const StepRecord& step) {
  inner_.on_step(step);
  steps_.push_back(step);
}

void TimelineWriter::on_itl(const std::vector<double>& gaps) { inner_.on_itl(gaps); }

void TimelineWriter::on_finished(const Sequence& s) {
  inner_.on_finished(s);
  RequestSpan r;
  r.id = s.req.id;
  r.instance = s.instance;
  r.arrival = std::max<std::int64_t>(0, to_ns(s.req.arrival));
  r.prefill_start = to_ns(s.prefill_start);
  r.prefill_end = to_ns(s.prefill_end);
  r.kv_arrival = to_ns(s.kv_arrival);
  r.first_token = to_ns(s.first_token);
  r.finish = std::max(r.arrival, to_ns(s.finish));
  r.prompt_tokens = s.req.prompt_tokens;
  r.output_tokens = s.req.output_tokens;
  r.preemptions = s.preemptions;
  r.prefix_hit_tokens = s.prefix_hit_tokens;
  r.spec_rounds = s.spec_rounds;
  r.accepted_drafts = s.accepted_drafts;
  if (r.prefill_start >= 0) r.queue_s = (s.prefill_start - s.req.arrival).value();
  if (r.first_token >= 0) r.ttft_s = (s.first_token - s.req.arrival).value();
  r.e2e_s = (s.finish - s.req.arrival).value();
  if (r.kv_arrival >= 0 && r.prefill_end >= 0)
    r.transfer_s = (s.kv_arrival - s.prefill_end).value();
  requests_.push_back(r);
}

void TimelineWriter::on_rejected(const Sequence& s, const char* reason) {
  inner_.on_rejected(s, reason);
  rejections_.push_back({s.req.id, std::max<std::int64_t>(0, to_ns(s.req.arrival)),
                         s.req.prompt_tokens, s.req.output_tokens, reason ? reason : ""});
}

std::vector<int> TimelineWriter::assign_lanes(const std::vector<Interval>& spans, int& lanes) {
  using Busy = std::pair<std::int64_t, int>;  // (end, lane)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::priority_queue<int, std::vector<int>, std::greater<>> free;
  std::vector<int> out;
  out.reserve(spans.size());
  lanes = 0;
  for (const Interval& s : spans) {
    // A lane whose slice ended at or before this start is free: abutting slices share a lane
    // (their END is written before the next BEGIN, see write_packets).
    while (!busy.empty() && busy.top().first <= s.begin) {
      free.push(busy.top().second);
      busy.pop();
    }
    int lane = lanes;
    if (free.empty())
      ++lanes;
    else {
      lane = free.top();
      free.pop();
    }
    busy.push({s.end, lane});
    out.push_back(lane);
  }
  return out;
}

namespace {
void sort_intervals(auto& v) {
  // (begin, id, end) makes the order independent of the order requests finished in.
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.id, a.end) < std::tie(b.begin, b.id, b.end);
  });
}
}  // namespace

std::vector<TimelineWriter::Interval> TimelineWriter::request_intervals() const {
  std::vector<Interval> v;
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    v.push_back({requests_[i].arrival, requests_[i].finish, requests_[i].id, i});
  }
  sort_intervals(v);
  return v;
}

std::vector<TimelineWriter::Interval> TimelineWriter::transfer_intervals() const {
  std::vector<Interval> v;
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    const RequestSpan& r = requests_[i];
    if (r.kv_arrival < 0 || r.prefill_end < 0) continue;
    v.push_back({r.prefill_end, std::max(r.prefill_end, r.kv_arrival), r.id, i});
  }
  sort_intervals(v);
  return v;
}

int TimelineWriter::request_lanes() const {
  int lanes = 0;
  assign_lanes(request_intervals(), lanes);
  return lanes;
}

int TimelineWriter::instance_count() const {
  int n = int(roles_.size());
  for (const StepRecord& s : steps_) n = std::max(n, s.instance + 1);
  return n;
}

void TimelineWriter::commit() const {
  AtomicFile f(path_);
  write_packets(f.out());
  f.commit();
}

void TimelineWriter::write_packets(std::ostream& out) const {
  using Phase = Event::Phase;
  using Source = Event::Source;
  std::vector<Track> tracks;
  // Events are gathered track by track, each track's in its own valid order (a slice's BEGIN,
  // its instants, its END, then the next slice). The stable sort by time below keeps that
  // order among equal times, so an END at t precedes the next BEGIN at t on the same lane and
  // a zero-length slice still opens before it closes.
  std::vector<Event> events;

  const int n = instance_count();
  std::vector<std::size_t> order(steps_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tuple(steps_[a].instance, to_ns(steps_[a].start)) <
           std::tuple(steps_[b].instance, to_ns(steps_[b].start));
  });
  std::size_t k = 0;
  while (k < order.size() && steps_[order[k]].instance < 0) ++k;  // no track: dropped
  for (int i = 0; i < n; ++i) {
    const std::string role =
        std::size_t(i) < roles_.size() ? role_name(roles_[std::size_t(i)]) : "unknown";
    const std::uint64_t steps_uuid = uuid(TrackKind::kInstance, std::uint64_t(i));
    const std::uint64_t kv_uuid = uuid(TrackKind::kKvCounter, std::uint64_t(i));
    tracks.push_back({steps_uuid, 0, "instance " + std::to_string(i) + " (" + role + ")", false});
    tracks.push_back(
        {kv_uuid, steps_uuid, "instance " + std::to_string(i) + " kv blocks used", true});
    std::vector<Event> kv{{0, kv_uuid, Phase::kCounter, Source::kKvBlocks, 0, 0}};
    for (; k < order.size() && steps_[order[k]].instance == i; ++k) {
      const StepRecord& s = steps_[order[k]];
      const std::int64_t b = std::max<std::int64_t>(0, to_ns(s.start));
      const std::int64_t e = std::max(b, to_ns(s.start + s.duration));
      events.push_back({b, steps_uuid, Phase::kBegin, Source::kStep, order[k], 0});
      events.push_back({e, steps_uuid, Phase::kEnd, Source::kStep, order[k], 0});
      kv.push_back({e, kv_uuid, Phase::kCounter, Source::kKvBlocks, order[k], s.kv_blocks_used});
    }
    events.insert(events.end(), kv.begin(), kv.end());
  }

  // Lane pools: a group track and one child per lane.
  auto pool = [&](const std::vector<Interval>& spans, TrackKind group_kind, TrackKind lane_kind,
                  const std::string& name, Source source) {
    int lanes = 0;
    const std::vector<int> lane = assign_lanes(spans, lanes);
    const std::uint64_t group = uuid(group_kind);
    tracks.push_back({group, 0, name, false});
    std::vector<std::vector<std::size_t>> by_lane(static_cast<std::size_t>(lanes));
    for (std::size_t j = 0; j < spans.size(); ++j) by_lane[std::size_t(lane[j])].push_back(j);
    for (int l = 0; l < lanes; ++l) {
      const std::uint64_t track = uuid(lane_kind, std::uint64_t(l));
      tracks.push_back({track, group, name + " lane " + std::to_string(l), false});
      for (std::size_t j : by_lane[std::size_t(l)]) {
        const Interval& s = spans[j];
        events.push_back({s.begin, track, Phase::kBegin, source, s.source, 0});
        const std::int64_t ft = requests_[s.source].first_token;
        if (source == Source::kRequest && ft >= 0) {
          events.push_back({std::clamp(ft, s.begin, s.end), track, Phase::kInstant,
                            Source::kFirstToken, s.source, 0});
        }
        events.push_back({s.end, track, Phase::kEnd, source, s.source, 0});
      }
    }
  };
  pool(request_intervals(), TrackKind::kRequests, TrackKind::kRequestLane, "requests",
       Source::kRequest);
  const std::vector<Interval> transfers = transfer_intervals();
  if (!transfers.empty()) {
    pool(transfers, TrackKind::kTransfers, TrackKind::kTransferLane, "kv transfers",
         Source::kTransfer);
  }

  if (!rejections_.empty()) {
    const std::uint64_t track = uuid(TrackKind::kRejected);
    tracks.push_back({track, 0, "rejected requests", false});
    std::vector<std::size_t> r(rejections_.size());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = i;
    std::sort(r.begin(), r.end(), [&](std::size_t a, std::size_t b) {
      return std::tie(rejections_[a].arrival, rejections_[a].id) <
             std::tie(rejections_[b].arrival, rejections_[b].id);
    });
    for (std::size_t i : r) {
      events.push_back({rejections_[i].arrival, track, Phase::kInstant, Source::kRejected, i, 0});
    }
  }

  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.ts < b.ts; });

  bool first = true;
  auto packet = [&](std::int64_t ts) {
    pf::TracePacket p;
    p.set_timestamp(std::uint64_t(ts));
    p.set_trusted_packet_sequence_id(kSequence);
    if (first) p.set_sequence_flags(pf::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
    first = false;
    return p;
  };
  for (const Track& t : tracks) {
    pf::TracePacket p = packet(0);
    pf::TrackDescriptor* d = p.mutable_track_descriptor();
    d->set_uuid(t.uuid);
    if (t.parent != 0) d->set_parent_uuid(t.parent);
    d->set_name(t.name);
    if (t.counter) d->mutable_counter()->set_unit(pf::CounterDescriptor::UNIT_COUNT);
    put(out, p);
  }
  for (const Event& ev : events) {
    pf::TracePacket p = packet(ev.ts);
    pf::TrackEvent& e = *p.mutable_track_event();
    e.set_track_uuid(ev.track);
    e.set_type(pf::TrackEvent::Type(ev.phase));
    if (ev.phase == Phase::kCounter) e.set_counter_value(ev.value);
    // An END needs nothing else: Perfetto closes the innermost open slice of the track.
    if (ev.phase == Phase::kEnd || ev.phase == Phase::kCounter) {
      put(out, p);
      continue;
    }
    if (ev.source == Source::kStep) {
      const StepRecord& s = steps_[ev.index];
      e.set_name("step");
      add(e, "sequences").set_int_value(s.sequences);
      add(e, "decode_sequences").set_int_value(s.decode_sequences);
      add(e, "prefill_tokens").set_int_value(s.prefill_tokens);
      add(e, "tokens").set_int_value(s.tokens);
      add(e, "emitted_tokens").set_int_value(s.emitted_tokens);
      add(e, "kv_blocks_used").set_int_value(s.kv_blocks_used);
      add(e, "attention_s").set_double_value(s.attention.value());
      add(e, "ffn_s").set_double_value(s.ffn.value());
      add(e, "experts_s").set_double_value(s.experts.value());
      add(e, "communication_s").set_double_value(s.communication.value());
      add(e, "other_s").set_double_value(s.other.value());
      add(e, "draft_s").set_double_value(s.draft.value());
      add(e, "host_s").set_double_value(s.host.value());
      add(e, "target_efficiency").set_double_value(s.target_efficiency);
    } else if (ev.source == Source::kRequest) {
      const RequestSpan& r = requests_[ev.index];
      e.set_name("request " + std::to_string(r.id));
      add(e, "request").set_int_value(std::int64_t(r.id));
      add(e, "instance").set_int_value(std::int64_t(r.instance));
      add(e, "prompt_tokens").set_int_value(r.prompt_tokens);
      add(e, "output_tokens").set_int_value(r.output_tokens);
      if (r.queue_s >= 0) add(e, "queue_s").set_double_value(r.queue_s);
      if (r.ttft_s >= 0) add(e, "ttft_s").set_double_value(r.ttft_s);
      add(e, "e2e_s").set_double_value(r.e2e_s);
      if (r.transfer_s >= 0) add(e, "kv_transfer_s").set_double_value(r.transfer_s);
      add(e, "preemptions").set_int_value(r.preemptions);
      add(e, "prefix_hit_tokens").set_int_value(r.prefix_hit_tokens);
      if (r.spec_rounds > 0) {
        add(e, "spec_rounds").set_int_value(r.spec_rounds);
        add(e, "accepted_drafts").set_int_value(r.accepted_drafts);
      }
    } else if (ev.source == Source::kFirstToken) {
      e.set_name("first token");
      add(e, "request").set_int_value(std::int64_t(requests_[ev.index].id));
    } else if (ev.source == Source::kTransfer) {
      const RequestSpan& r = requests_[ev.index];
      e.set_name("kv " + std::to_string(r.id));
      add(e, "request").set_int_value(std::int64_t(r.id));
      add(e, "to_instance").set_int_value(std::int64_t(r.instance));
      add(e, "prompt_tokens").set_int_value(r.prompt_tokens);
      add(e, "transfer_s").set_double_value(r.transfer_s);
    } else if (ev.source == Source::kRejected) {
      const Rejection& r = rejections_[ev.index];
      e.set_name("rejected " + std::to_string(r.id));
      add(e, "request").set_int_value(std::int64_t(r.id));
      add(e, "prompt_tokens").set_int_value(r.prompt_tokens);
      add(e, "output_tokens").set_int_value(r.output_tokens);
      add(e, "reason").set_string_value(r.reason);
    }
    put(out, p);
  }
}

}  // namespace moesim
