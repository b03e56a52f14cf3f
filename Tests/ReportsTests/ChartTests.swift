import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reports
import Testing

/// The charts are well-formed SVG with a title on every mark, and put values where they belong.
@Suite struct ChartTests {
  /// Element names, attributes and `<title>` texts of an SVG document, via a real XML parser.
  final class Outline: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var titles: [String] = []
    private var inTitle = false
    private var text = ""

    static func parse(_ markup: String) throws -> Outline {
      let outline = Outline()
      let parser = XMLParser(data: Data(markup.utf8))
      parser.delegate = outline
      guard parser.parse() else {
        throw parser.parserError ?? CocoaError(.coderReadCorrupt)
      }
      return outline
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:])
    {
      elements.append((name, attributes))
      if name == "title" { inTitle = true; text = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if inTitle { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
                qualifiedName: String?)
    {
      if name == "title" { titles.append(text); inTitle = false }
    }

    func all(_ name: String) -> [[String: String]] {
      elements.filter { $0.name == name }.map(\.attributes)
    }
  }

  static let blocks = ["stem", "stage1.block1", "stage2.block1", "stage3.block1", "head"]

  @Test func blockProfileMarksValuesAndSplit() throws {
    let chart = BlockProfileChart(
      title: "parameter shift", yLabel: "relative shift", blocks: Self.blocks,
      series: [.init(name: "task 1", values: [0.1, 0.2, .nan, 0.8, 1.0]),
               .init(name: "task 2", values: [0.05, 0.1, 0.3, 0.5, 0.9])],
      split: "stage3.block1")
    let outline = try Outline.parse(chart.svg)
    #expect(outline.titles.first == "parameter shift")
    let circles = outline.all("circle")
    #expect(circles.count == 9, "one circle per finite value")
    #expect(outline.titles.contains("task 1, stage3.block1: 0.8"))
    // Larger values are higher: smaller cy.
    let ys = circles.prefix(4).map { Double($0["cy"]!)! }
    #expect(ys[0] > ys[1] && ys[1] > ys[2] && ys[2] > ys[3])
    // The NaN breaks task 1's line into two pieces.
    let paths = outline.all("path").map { $0["d"]! }
    #expect(paths[0].filter { $0 == "M" }.count == 2 && paths[1].filter { $0 == "M" }.count == 1)
    // The split sits between stage2.block1 and stage3.block1.
    let split = try #require(outline.all("line").first { $0["class"] == "split" })
    let xs = circles.suffix(5).map { Double($0["cx"]!)! }
    let splitX = Double(split["x1"]!)!
    #expect(xs[2] < splitX && splitX < xs[3])
    #expect(outline.titles.contains("split: stage3.block1"))
  }

  @Test func heatmapUsesTheFixedScaleAndExplainsNaN() throws {
    let map = Heatmap(title: "CKA, old classes", rows: ["1", "2"], columns: ["a", "b", "c"],
                      values: [[1, 0, 0.5], [0.25, .nan, 0.75]],
                      notes: [["", "", ""], ["", "zero variance", ""]])
    let outline = try Outline.parse(map.svg)
    let cells = outline.all("rect").filter { $0["class"] == "cell" }
    #expect(cells.count == 6)
    #expect(cells[0]["fill"] == "#fde725" && cells[1]["fill"] == "#440154")
    #expect(cells[2]["fill"] == ColorScale.viridis(0.5) && cells[4]["fill"] == "#bdbdbd")
    #expect(outline.titles.contains("task 2, b: NaN (zero variance)"))
    #expect(outline.titles.contains("task 1, c: 0.5000"))
    #expect(outline.titles.contains { $0.hasPrefix("colour scale") })
  }

  @Test func xyChartPlacesPointsByValue() throws {
    let chart = XYChart(title: "accuracy against memory", xLabel: "memory (MB)",
                        yLabel: "accuracy",
                        series: [.init(name: "MEMO", points: [.init(x: 1, y: 0.5), .init(x: 3, y: 0.7)]),
                                 .init(name: "DER", points: [.init(x: 2, y: 0.6, label: "stem")],
                                       connected: false)])
    let outline = try Outline.parse(chart.svg)
    let circles = outline.all("circle").map { (Double($0["cx"]!)!, Double($0["cy"]!)!) }
    #expect(circles.count == 3)
    #expect(circles[0].0 < circles[2].0 && circles[2].0 < circles[1].0)
    #expect(circles[0].1 > circles[2].1 && circles[2].1 > circles[1].1)
    #expect(outline.titles.contains("DER (stem): 2, 0.6"))
    #expect(outline.all("path").count == 1)
  }

  @Test func markupIsEscaped() throws {
    let chart = BlockProfileChart(title: "a < b & \"c\"", yLabel: "y", blocks: ["<x>"],
                                  series: [.init(name: "s&t", values: [1])])
    let outline = try Outline.parse(chart.svg)
    #expect(outline.titles.first == "a < b & \"c\"")
    #expect(outline.titles.contains("s&t, <x>: 1"))
  }

  @Test func scaleTicksAreNice() {
    let scale = LinearScale(values: [0.13, 0.87], range: 0...100)
    #expect(scale.domain == 0.0...1.0)
    let expected = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    #expect(scale.ticks.count == expected.count
      && zip(scale.ticks, expected).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(scale.label(0.4) == "0.4")
    #expect(scale(0.5) == 50)
    #expect(ColorScale.viridis(0) == "#440154" && ColorScale.viridis(1) == "#fde725")
  }
}
