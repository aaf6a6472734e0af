#include "models/csv.hpp"

#include <sstream>

#include "models/utf8_bom.hpp"

namespace moesim {
namespace {

constexpr std::size_t kBufferBytes = 1 << 16;

bool is_space(char c) { return c == ' ' || c == '\t'; }

bool all_space(const std::string& s) {
  for (char c : s) {
    if (!is_space(c)) return false;
  }
  return true;
}

void trim_in_place(std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  if (b > 0 || e < s.size()) s = s.substr(b, e - b);
}

std::optional<std::size_t> find_name(const std::vector<std::string>& header,
                                     std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace

CsvReader::CsvReader(std::istream& in, std::string path, CsvOptions options)
    : in_(in), path_(std::move(path)), options_(options), buffer_(kBufferBytes) {
  has_header_ = read_record(header_);
  last_line_ = header_.line;
}

CsvReader::CsvReader(std::unique_ptr<std::istream> in, std::string path, CsvOptions options)
    : owned_(std::move(in)), in_(*owned_), path_(std::move(path)), options_(options),
      buffer_(kBufferBytes) {
  has_header_ = read_record(header_);
  last_line_ = header_.line;
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const {
  return find_name(header_.fields, name);
}

bool CsvReader::fill() {
  pos_ = end_ = 0;
  if (!in_) return false;
  in_.read(buffer_.data(), std::streamsize(buffer_.size()));
  end_ = std::size_t(in_.gcount());
  if (first_ && end_ > 0) {
    first_ = false;
    // A byte order mark is skipped; a file shorter than one is read as it is.
    if (std::string_view(buffer_.data(), end_).substr(0, kUtf8Bom.size()) == kUtf8Bom) {
      pos_ = kUtf8Bom.size();
    }
  }
  return pos_ < end_;
}

bool CsvReader::next(CsvRecord& rec) {
  if (!has_header_ || !read_record(rec)) return false;
  last_line_ = rec.line;
  if (options_.check_fields && rec.fields.size() != header_.fields.size()) {
    throw CsvError(CsvError::Kind::kFieldCount, path_, rec.line,
                   "expected " + std::to_string(header_.fields.size()) + " fields, got " +
                       std::to_string(rec.fields.size()));
  }
  return true;
}

bool CsvReader::read_record(CsvRecord& rec) {
  while (true) {
    if (at_end()) return false;
    rec.line = line_;
    if (options_.skip_comments && buffer_[pos_] == '#') {
      // The rest of the physical line, quotes included, is the comment.
      while (!at_end()) {
        if (buffer_[pos_++] == '\n') {
          ++line_;
          break;
        }
      }
      continue;
    }
    std::size_t n = 0;
    bool any_quoted = false;
    const auto next_field = [&]() -> std::string& {
      if (n == rec.fields.size()) rec.fields.emplace_back();
      std::string& f = rec.fields[n++];
      f.clear();
      return f;
    };
    std::string* f = &next_field();
    enum { kPlain, kQuoted, kAfterQuote } state = kPlain;
    const auto finish_field = [&] {
      if (options_.trim && state == kPlain) trim_in_place(*f);
    };
    while (true) {
      if (at_end()) {
        if (state == kQuoted) {
          throw CsvError(CsvError::Kind::kUnclosedQuote, path_, rec.line,
                         "a quoted field is not closed");
        }
        finish_field();
        break;
      }
      const char c = buffer_[pos_];
      if (state == kQuoted) {
        std::size_t run = pos_;
        while (run < end_ && buffer_[run] != '"') {
          if (buffer_[run] == '\n') ++line_;
          ++run;
        }
        f->append(buffer_.data() + pos_, run - pos_);
        pos_ = run;
        if (pos_ == end_) continue;
        ++pos_;  // the quote
        if (!at_end() && buffer_[pos_] == '"') {
          f->push_back('"');
          ++pos_;
        } else {
          state = kAfterQuote;
        }
        continue;
      }
      if (c == ',') {
        ++pos_;
        finish_field();
        f = &next_field();
        state = kPlain;
        continue;
      }
      if (c == '\n') {
        ++pos_;
        ++line_;
        finish_field();
        break;
      }
      if (c == '\r') {
        ++pos_;
        if (at_end()) {
          finish_field();
          break;
        }
        if (buffer_[pos_] == '\n') {
          ++pos_;
          ++line_;
          finish_field();
          break;
        }
        if (state == kAfterQuote) {
          throw CsvError(CsvError::Kind::kAfterQuote, path_, line_,
                         "text after the closing quote of a field");
        }
        f->push_back('\r');
        continue;
      }
      if (state == kAfterQuote) {
        if (options_.trim && is_space(c)) {
          ++pos_;
          continue;
        }
        throw CsvError(CsvError::Kind::kAfterQuote, path_, line_,
                       "text after the closing quote of a field");
      }
      if (c == '"' && (f->empty() || (options_.trim && all_space(*f)))) {
        ++pos_;
        f->clear();
        state = kQuoted;
        any_quoted = true;
        continue;
      }
      // A run of plain characters up to the next special one (a quote inside an unquoted field
      // is kept as it is, by the test above on the next turn).
      std::size_t run = pos_ + 1;
      while (run < end_) {
        const char d = buffer_[run];
        if (d == ',' || d == '\n' || d == '\r' || d == '"') break;
        ++run;
      }
      f->append(buffer_.data() + pos_, run - pos_);
      pos_ = run;
    }
    rec.fields.resize(n);
    if (options_.skip_blank && n == 1 && !any_quoted && all_space(rec.fields[0])) continue;
    return true;
  }
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  return find_name(header, name);
}

CsvTable read_csv_table(std::istream& in, const std::string& path, CsvOptions options) {
  CsvReader reader(in, path, options);
  CsvTable t;
  t.path = path;
  if (!reader.has_header()) return t;
  t.header = reader.header();
  t.header_line = reader.header_line();
  CsvRecord rec;
  while (reader.next(rec)) {
    t.rows.push_back(std::move(rec.fields));
    t.lines.push_back(rec.line);
    rec.fields.clear();
  }
  return t;
}

CsvTable parse_csv_table(std::string_view text, const std::string& path, CsvOptions options) {
  std::istringstream in{std::string(text)};
  return read_csv_table(in, path, options);
}

}  // namespace moesim
