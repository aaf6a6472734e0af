// The CSV reader (models/csv.hpp): one case per RFC 4180 rule and per error, each with the
// records written out by hand.
#include <doctest/doctest.h>

#include <sstream>

#include "models/csv.hpp"

namespace moesim {
namespace {

using Fields = std::vector<std::string>;

CsvTable parse(std::string_view text, CsvOptions o = {}) {
  return parse_csv_table(text, "t.csv", o);
}

}  // namespace

TEST_CASE("csv: a header and records, each with the line it starts on") {
  const CsvTable t = parse("a,b\n1,2\n3,4\n");
  CHECK(t.header == Fields{"a", "b"});
  CHECK(t.header_line == 1);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] == Fields{"1", "2"});
  CHECK(t.lines[0] == 2);
  CHECK(t.rows[1] == Fields{"3", "4"});
  CHECK(t.lines[1] == 3);
  CHECK(t.column("b") == std::optional<std::size_t>(1));
  CHECK_FALSE(t.column("c").has_value());
}

TEST_CASE("csv: quoted fields hold commas, doubled quotes and newlines") {
  const CsvTable t = parse("a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n5,6,7\n");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0] == Fields{"x,y", "say \"hi\"", "two\nlines"});
  CHECK(t.lines[0] == 2);
  CHECK(t.lines[1] == 4);  // the quoted newline counts as a line
  CHECK(parse("a\n\"\"\n").rows[0] == Fields{""});
}

TEST_CASE("csv: CRLF and LF line ends, a last line without one, empty fields") {
  const CsvTable t = parse("a,b\r\n1,\r\n,2\n3,4");
  REQUIRE(t.rows.size() == 3);
  CHECK(t.header == Fields{"a", "b"});
  CHECK(t.rows[0] == Fields{"1", ""});
  CHECK(t.rows[1] == Fields{"", "2"});
  CHECK(t.rows[2] == Fields{"3", "4"});
  CHECK(t.lines[2] == 4);
  CHECK(parse("a\n\"x\r\ny\"\r\n").rows[0] == Fields{"x\r\ny"});  // kept inside quotes
}

TEST_CASE("csv: a UTF-8 byte order mark at the start is skipped, elsewhere kept") {
  CHECK(parse("\xEF\xBB\xBF" "a,b\n1,2\n").header == Fields{"a", "b"});
  CHECK(parse("\xEF\xBB\xBF").header_line == 0);
  CHECK(parse("a\n\xEF\xBB\xBF\n").rows[0] == Fields{"\xEF\xBB\xBF"});
}

TEST_CASE("csv: no header in an empty input or blank lines only") {
  CHECK(parse("").header_line == 0);
  CHECK(parse("\n \n\t\r\n").header_line == 0);
  CHECK(parse("# only a comment\n", {.skip_comments = true}).header_line == 0);
}

TEST_CASE("csv: blank lines are skipped and counted, or kept as one empty field") {
  const CsvTable t = parse("\na\n\n  \n1\n");
  CHECK(t.header_line == 2);
  REQUIRE(t.rows.size() == 1);
  CHECK(t.lines[0] == 5);
  const CsvTable kept = parse("a\n\n1\n", {.skip_blank = false});
  REQUIRE(kept.rows.size() == 2);
  CHECK(kept.rows[0] == Fields{""});
  CHECK(kept.lines[1] == 3);
}

TEST_CASE("csv: comment lines are skipped when asked, quotes in them included") {
  const CsvTable t = parse("# x \"y\na\n#b\n1\n", {.skip_comments = true});
  CHECK(t.header == Fields{"a"});
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0] == Fields{"1"});
  CHECK(t.lines[0] == 4);
  CHECK(parse("a\n#b\n").rows[0] == Fields{"#b"});  // data unless asked
}

TEST_CASE("csv: trim drops spaces and tabs around fields, not inside quotes") {
  const CsvTable t = parse(" a ,\tb\n 1 , \" 2 \" \n", {.trim = true});
  CHECK(t.header == Fields{"a", "b"});
  CHECK(t.rows[0] == Fields{"1", " 2 "});
  CHECK(parse(" 1 ,2\n 1 ,2\n").rows[0] == Fields{" 1 ", "2"});  // kept by default
}

TEST_CASE("csv: a quote inside an unquoted field is kept as it is") {
  CHECK(parse("a\nx\"y\"\n").rows[0] == Fields{"x\"y\""});
}

TEST_CASE("csv: an unclosed quote is an error at the line its record starts on") {
  CHECK_THROWS_WITH_AS((void)parse("a\n1\n\"open\nmore\n"),
                       "t.csv:3: a quoted field is not closed", CsvError);
  try {
    (void)parse("a\n\"x");
    FAIL("no error");
  } catch (const CsvError& e) {
    CHECK(e.kind() == CsvError::Kind::kUnclosedQuote);
    CHECK(e.line() == 2);
    CHECK(e.reason() == "a quoted field is not closed");
  }
}

TEST_CASE("csv: text after a closing quote is an error at its line") {
  CHECK_THROWS_WITH_AS((void)parse("a,b\n\"x\nz\"y,1\n"),
                       "t.csv:3: text after the closing quote of a field", CsvError);
  CHECK(parse("a\n\"x\"  \n", {.trim = true}).rows[0] == Fields{"x"});
}

TEST_CASE("csv: a record of another width than the header is an error, unless not checked") {
  CHECK_THROWS_WITH_AS((void)parse("a,b\n1,2\n3\n"), "t.csv:3: expected 2 fields, got 1",
                       CsvError);
  CHECK_THROWS_WITH_AS((void)parse("a,b\n1,2,\n"), "t.csv:2: expected 2 fields, got 3",
                       CsvError);
  const CsvTable t = parse("a,b\n3\n", {.check_fields = false});
  CHECK(t.rows[0] == Fields{"3"});
}

TEST_CASE("csv: streaming reads record by record across buffer refills") {
  // Records longer than the 64 KiB buffer, and a quoted field and CRLF split across refills.
  std::string text = "id,text\n";
  const std::string big(70000, 'x');
  for (int i = 0; i < 5; ++i) text += std::to_string(i) + ",\"" + big + "\"\"\r\n\"\r\n";
  std::istringstream in(text);
  CsvReader r(in, "s.csv");
  REQUIRE(r.has_header());
  CHECK(r.header() == Fields{"id", "text"});
  CsvRecord rec;
  int n = 0;
  while (r.next(rec)) {
    CHECK(rec.fields[0] == std::to_string(n));
    CHECK(rec.fields[1] == big + "\"\r\n");
    CHECK(rec.line == 2 + 2 * n);
    CHECK(r.where() == "s.csv:" + std::to_string(2 + 2 * n));
    ++n;
  }
  CHECK(n == 5);
  CHECK_FALSE(r.next(rec));
}

}  // namespace moesim
