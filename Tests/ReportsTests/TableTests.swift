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
    #expect(html.contains("<th>&lt;a&gt;</th>") && html.contains("<td>x &amp; y</td>"))
    var page = HTMLDocument(title: "R & D")
    page.table(Self.table)
    #expect(page.html.contains("<title>R &amp; D</title>") && !page.html.contains("<script"))
  }
}
