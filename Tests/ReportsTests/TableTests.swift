import Reports
import Testing

@Suite struct TableTests {
  static let table = Table(columns: ["block", "note"],
                           rows: [["stem", "a, b"], ["head", "say \"hi\"|x"]])

  @Test func markdownEscapesPipes() {
    #expect(Self.table.markdown == """
      | block | note |
      |---|---|
      | stem | a, b |
      | head | say "hi"\\|x |

      """)
  }

  @Test func csvQuotesAsRFC4180() {
    #expect(Self.table.csv == "block,note\r\nstem,\"a, b\"\r\nhead,\"say \"\"hi\"\"|x\"\r\n")
  }

  @Test func htmlIsEscaped() {
    let html = Table(columns: ["<a>"], rows: [["x & y"]]).html
    // A column of words is marked for left alignment; the escaping is the same.
    #expect(html.contains("<th class=\"text\">&lt;a&gt;</th>")
            && html.contains("<td class=\"text\">x &amp; y</td>"))
    // Numbers (grouped, percent, mean ± half-width, missing) keep the plain right-aligned cell.
    let numbers = Table(columns: ["n"], rows: [["112,896"], ["12.50"], ["0.1 ± 0.02"], ["—"]]).html
    #expect(numbers.contains("<td>112,896</td>") && numbers.contains("<td>0.1 ± 0.02</td>"))
    #expect(!numbers.contains("class=\"text\""))
    var page = HTMLDocument(title: "R & D")
    page.table(Self.table)
    #expect(page.html.contains("<title>R &amp; D</title>") && !page.html.contains("<script"))
  }
}
