#include "analysis/metrics.hpp"

#include <cstdio>

#include "analysis/json_writer.hpp"

namespace moesim {
namespace {
std::string num(double v) { return JsonWriter::number(v); }

// One value per DP rank, ';'-separated (one CSV field whatever the number of ranks).
template <class T, class Format>
void rank_list(std::ostream& out, const std::vector<T>& v, Format f) {
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ";" : "") << f(v[i]);
}
}  // namespace

MetricsCollector::MetricsCollector(const std::string& dir, bool requests_csv, bool steps_csv,
                                   SloTargets targets)
    : slo(targets) {
  if (dir.empty()) return;
  if (requests_csv) {
    requests_ = std::make_unique<AtomicFile>(dir + "/requests.csv");
    requests_->out() << "id,instance,arrival_s,first_token_s,finish_s,prompt_tokens,"
                        "output_tokens,generated_tokens,ttft_s,tpot_s,e2e_s,queue_s,prefill_s,kv_transfer_s,"
                        "first_decode_s,prefix_hit_tokens,spec_rounds,accepted_tokens,preemptions,"
                        "status\n";
  }
  if (steps_csv) {
    steps_ = std::make_unique<AtomicFile>(dir + "/steps.csv");
    steps_->out() << "start_s,instance,duration_s,sequences,decode_sequences,prefill_tokens,"
                     "tokens,emitted_tokens,kv_blocks_used,attention_s,ffn_s,experts_s,"
                     "communication_s,other_s,draft_s,host_s,target_efficiency,gamma,ranks,"
                     "slowest_rank,rank_tokens,rank_sequences,rank_running,rank_waiting,"
                     "rank_kv_blocks,rank_own_s\n";
  }
}

void MetricsCollector::on_step(const StepRecord& s) {
  steps += 1;
  batch_sum += double(s.sequences);
  busy_time += s.duration.value();
  if (s.target_efficiency > 0) {
    efficiency_sum += s.target_efficiency;
    efficiency_steps += 1;
  }
  if (s.decode_sequences > 0) {
    gamma_sum += double(s.gamma);
    gamma_steps += 1;
  }
  if (steps_) {
    steps_->out() << num(s.start.value()) << ',' << s.instance << ',' << num(s.duration.value())
                  << ',' << s.sequences << ',' << s.decode_sequences << ',' << s.prefill_tokens
                  << ',' << s.tokens << ',' << s.emitted_tokens << ',' << s.kv_blocks_used << ','
                  << num(s.attention.value()) << ',' << num(s.ffn.value()) << ','
                  << num(s.experts.value()) << ',' << num(s.communication.value()) << ','
                  << num(s.other.value()) << ',' << num(s.draft.value()) << ','
                  << num(s.host.value()) << ','
                  << num(s.target_efficiency) << ',' << s.gamma << ',' << s.ranks << ','
                  << s.slowest_rank << ',';
    std::ostream& o = steps_->out();
    const auto whole = [](std::int64_t v) { return v; };
    rank_list(o, s.rank_tokens, whole);
    o << ',';
    rank_list(o, s.rank_sequences, whole);
    o << ',';
    rank_list(o, s.rank_running, whole);
    o << ',';
    rank_list(o, s.rank_waiting, whole);
    o << ',';
    rank_list(o, s.rank_kv_blocks, whole);
    o << ',';
    rank_list(o, s.rank_own_s, [](double v) { return num(v); });
    o << '\n';
  }
}

void MetricsCollector::on_itl(const std::vector<double>& gaps) {
  itl.add(gaps);
}

void MetricsCollector::on_finished(const Sequence& s) {
  const double arrival = s.req.arrival.value();
  const double t_first = s.first_token.value() - arrival;
  const double t_e2e = s.finish.value() - arrival;
  const std::int64_t out = s.req.output_tokens;
  const double t_tpot = out > 1 ? (s.finish - s.first_token).value() / double(out - 1) : -1.0;
  const double start = s.prefill_start.value() >= 0 ? s.prefill_start.value() : arrival;
  const double pend = s.prefill_end.value() >= 0 ? s.prefill_end.value() : s.first_token.value();
  const double kv = s.kv_arrival.value() >= 0 ? s.kv_arrival.value() : pend;
  const double t_queue = start - arrival, t_prefill = pend - start, t_kv = kv - pend;
  const double t_decode = s.first_token.value() - kv;
  ttft_queue_sum += t_queue;
  ttft_prefill_sum += t_prefill;
  ttft_kv_sum += t_kv;
  ttft_decode_sum += t_decode;
  prefix_hit_tokens += s.prefix_hit_tokens;
  ttft.add(t_first);
  e2e.add(t_e2e);
  if (t_tpot >= 0) tpot.add(t_tpot);
  input_tokens += s.req.prompt_tokens;
  output_tokens += out;
  spec_rounds += s.spec_rounds;
  accepted_drafts += s.accepted_drafts;
  const bool met = (!slo.ttft_s || t_first <= *slo.ttft_s) &&
                   (!slo.tpot_s || t_tpot < 0 || t_tpot <= *slo.tpot_s) &&
                   (!slo.e2e_s || t_e2e <= *slo.e2e_s);
  slo_met += met ? 1 : 0;
  if (requests_) {
    requests_->out() << s.req.id << ',' << s.instance << ',' << num(arrival) << ','
                     << num(s.first_token.value()) << ',' << num(s.finish.value()) << ','
                     << s.req.prompt_tokens << ',' << out << ',' << s.generated << ',' << num(t_first) << ','
                     << (t_tpot >= 0 ? num(t_tpot) : "") << ',' << num(t_e2e) << ','
                     << num(t_queue) << ',' << num(t_prefill) << ',' << num(t_kv) << ','
                     << num(t_decode) << ',' << s.prefix_hit_tokens << ',' << s.spec_rounds << ',' << s.accepted_drafts << ',' << s.preemptions
                     << ",completed\n";
  }
}

void MetricsCollector::on_rejected(const Sequence& s, const char* reason) {
  if (requests_) {
    requests_->out() << s.req.id << ",," << num(s.req.arrival.value()) << ",,,"
                     << s.req.prompt_tokens << ',' << s.req.output_tokens << ",0,,,,,,,,0,0,0,0,"
                     << "rejected: " << reason << '\n';
  }
}

void MetricsCollector::commit() {
  finish();
  publish();
}

void MetricsCollector::finish() {
  if (requests_) requests_->finish();
  if (steps_) steps_->finish();
}

void MetricsCollector::publish() {
  if (requests_) requests_->publish();
  if (steps_) steps_->publish();
}

}  // namespace moesim
