import CIL
import Foundation
import Recording
import Reports
import Testing

/// The report of the committed quickstart run (analyses/quickstart-fashion-mnist: five
/// candidates, one budget, one seed), and of the same run made to look like three seeds: what a
/// reviewer checks first — the conclusion on top, charts that show what they claim, numbers
/// formatted for people in the page and whole in the CSV.
@Suite(.serialized) struct QuickstartReportTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  /// The quickstart's run before its protocol had probe seeds and a budget grid (ResNet-14,
  /// 1,000 images per class, one seed, one budget), kept as a fixture: the report's behaviour on
  /// one budget and one seed is what these tests pin down; `theCommittedQuickstartAnswersPerBudget`
  /// checks the committed example of today's protocol.
  static let quickstart = repository.appendingPathComponent("Tests/ReportsTests/Fixtures/quickstart-one-seed").path
  static let committed = repository.appendingPathComponent("analyses/quickstart-fashion-mnist").path

  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-report-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
  }

  /// Writes the committed run's report into `directory`; returns report.md.
  static func render(_ run: String = quickstart, into directory: String) throws -> String {
    try ReportWriter.write(try RunReport(directory: run), to: directory)
    return try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
  }

  static func text(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  /// Today's quickstart (3 probe seeds, 2 budgets × 2 paired seeds): the conclusion gives the
  /// decision with its p-value and, per budget, the verdict; the verification section the AUC.
  @Test func theCommittedQuickstartAnswersPerBudget() throws {
    try Self.withDirectory { directory in
      let markdown = try Self.render(Self.committed, into: directory)
      let conclusion = markdown.components(separatedBy: "## Conclusion")[1]
        .components(separatedBy: "## Contents")[0]
      #expect(conclusion.contains("(p = 0.262, 3 seeds × 4 tasks, on 1-cka_old)"))
      let record = try VerifyFile.read(Self.committed + "/verify.h5")
      let stats = try #require(record.statistics)
      #expect(record.budgets.count == 2 && record.seeds == [1993, 1994])
      for (b, budget) in record.budgets.enumerated() {
        #expect(conclusion.contains("At \(NumberFormat.grouped(budget)) bytes: \(stats.verdicts[b])"),
                "budget \(budget)")
      }
      #expect(markdown.contains("Area under average incremental accuracy against memory (AUC-A"))
      // The AUC runs over the budgets: one backbone kept every image at both budgets and still
      // spans them (its area is its accuracy times the budgets' range, not zero).
      let none = try #require(record.candidates.firstIndex(of: "none"))
      let span = Double(record.budgets[1] - record.budgets[0]) / 1_048_576
      #expect(stats.aucMean[none] > 0.4 * span)
    }
  }

  @Test func theConclusionComesFirstThenTheContents() throws {
    try Self.withDirectory { directory in
      let markdown = try Self.render(into: directory)
      let headings = markdown.components(separatedBy: "\n").filter { $0.hasPrefix("## ") }
      #expect(Array(headings.prefix(2)) == ["## Conclusion", "## Contents"], "\(headings)")
      let conclusion = markdown.components(separatedBy: "## Conclusion\n\n")[1]
      #expect(conclusion.hasPrefix("Recommended split: stage3.block1 (confidence: low)"))
      #expect(conclusion.components(separatedBy: "## Contents")[0]
        .contains("Verification: NOT VERIFIED."))
      // Every later section is listed, and its link is the HTML heading's id.
      let html = try Self.text(directory + "/report.html")
      for heading in headings.dropFirst(2) {
        let title = String(heading.dropFirst(3))
        let link = try #require(markdown.components(separatedBy: "\n")
          .first { $0.hasPrefix("- [\(title)](#") }, "no contents entry for \(title)")
        let id = link.components(separatedBy: "(#")[1].dropLast()
        #expect(html.contains("<h2 id=\"\(id)\">"), "no heading with id \(id)")
        #expect(html.contains("<a href=\"#\(id)\">"))
      }
      #expect(headings.count >= 8)
    }
  }

  /// One budget: every candidate has the same memory, so the chart is a dot per candidate (no
  /// line, no memory axis of rounding), labelled in MiB and percent.
  @Test func oneBudgetIsADotPerCandidateInPercentAndMiB() throws {
    try Self.withDirectory { directory in
      _ = try Self.render(into: directory)
      let svg = try Self.text(directory + "/charts/accuracy_memory.svg")
      #expect(svg.components(separatedBy: "class=\"mean\"").count - 1 == 5)
      #expect(!svg.contains("<path"), "a line over one budget")
      #expect(svg.contains("4.02 MiB") && !svg.contains("MB"))
      #expect(svg.contains("average incremental accuracy (%)"))
      #expect(svg.contains("none (single backbone): 69.51% (one seed)"), "the tooltip in percent")
      for chart in try FileManager.default.contentsOfDirectory(atPath: directory + "/charts") {
        let text = try Self.text(directory + "/charts/" + chart)
        #expect(!text.contains("(MB)"), "\(chart) says MB")
        if text.contains("accuracy") && !chart.hasPrefix("cka") {
          #expect(text.contains("(%)"), "\(chart): accuracy not in percent")
        }
      }
    }
  }

  /// The per-task curve: accuracies in percent, ticks on whole tasks.
  @Test func perTaskCurveIsInPercentOnWholeTasks() throws {
    try Self.withDirectory { directory in
      _ = try Self.render(into: directory)
      let svg = try Self.text(directory + "/charts/accuracy_tasks.svg")
      #expect(svg.contains("accuracy on all seen classes (%)") && svg.contains("seed 1993"))
      // x tick labels sit 16 px under the axis: 0 1 2 3 4, nothing between.
      let ticks = svg.components(separatedBy: "text-anchor=\"middle\" fill=\"#444\">").dropFirst()
        .map { String($0.prefix { $0 != "<" }) }
      #expect(ticks == ["0", "1", "2", "3", "4"], "\(ticks)")
      #expect(svg.contains("none: 4, 79.04"), "the last task of none in percent")
    }
  }

  /// The head's score (3.5) has a panel of its own; the body keeps the 0–1 axis.
  @Test func theHeadIsOnItsOwnScale() throws {
    try Self.withDirectory { directory in
      _ = try Self.render(into: directory)
      let svg = try Self.text(directory + "/charts/score.svg")
      #expect(svg.contains("<title>own scale: head</title>"))
      // The main axis' labels (x = 58) stop at 1; the head's value shows on the side axis.
      let main = svg.components(separatedBy: "<text x=\"58.00\"").dropFirst()
        .compactMap { Double($0.components(separatedBy: ">")[1].prefix { $0 != "<" }) }
      #expect(!main.isEmpty && main.max()! <= 1, "\(main)")
      #expect(svg.contains("score, head: 3.498"))
    }
  }

  @Test func numbersReadAsInTheHTML() throws {
    try Self.withDirectory { directory in
      let markdown = try Self.render(into: directory)
      let html = try Self.text(directory + "/report.html")
      // Multiply-accumulates of the stem, the stem's score, a verification row.
      for cell in ["| stem | 176 | 0.10 | 112,896 | 0.608 | shared |",
                   "| none | single backbone | 4,215,360 | 1993 | 69.51 | 79.04 |"] {
        #expect(markdown.contains(cell), "\(cell)")
      }
      #expect(html.contains("<td>112,896</td>") && !markdown.contains("112896"))
      // No table cell in report.md carries more than four significant digits unless it is an
      // integer count or a percentage with two decimals.
      for line in markdown.components(separatedBy: "\n") where line.hasPrefix("| ") {
        for cell in line.components(separatedBy: " | ") {
          let plain = cell.replacingOccurrences(of: ",", with: "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "| "))
          guard Double(plain) != nil, plain.contains(".") else { continue }
          let digits = plain.filter(\.isNumber).drop { $0 == "0" }
          #expect(digits.count <= 4, "\(cell) in \(line)")
        }
      }
    }
  }

  @Test func differingExemplarCountsAreExplained() throws {
    try Self.withDirectory { directory in
      let markdown = try Self.render(into: directory)
      #expect(markdown.contains("| stage3.block1 |") && markdown.contains("1,857"))
      #expect(markdown.contains("(stage3.block1: 1,857 there, 1,850 here)"))
      #expect(markdown.contains("floor(ledger count / classes seen) each"))
    }
  }

  /// The committed run has one seed: the caveat is there. Three seeds: no caveat, error bars
  /// on both accuracy charts, every seed drawn.
  @Test func theOneSeedCaveatOnlyWithOneSeed() throws {
    try Self.withDirectory { directory in
      let one = try Self.render(into: directory + "/one")
      #expect(one.contains("with one seed the verdict cannot separate a small gap from seed noise"))
      #expect(one.contains("One seed (1993)"))
      #expect(!(try Self.text(directory + "/one/charts/accuracy_tasks.svg")).contains("error-bar"))

      let run = directory + "/three-seeds"
      try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
      for file in ["probes.h5", "split.json"] {
        try FileManager.default.copyItem(atPath: Self.quickstart + "/" + file, toPath: run + "/" + file)
      }
      let record = try VerifyFile.read(Self.quickstart + "/verify.h5")
      var runs: [VerificationRecord.Run] = []
      for (k, seed) in [1993, 1994, 1995].enumerated() {
        for r in record.runs {
          var copy = r
          copy.seed = seed
          var cnn = AccuracyMatrix(taskCount: r.summary.cnn.taskCount)
          for (row, total) in zip(r.summary.cnn.values, r.summary.cnn.total) {
            let seen = row.prefix { !$0.isNaN }
            cnn.append(perTask: seen.map { $0 - 0.01 * Double(k) }, total: total - 0.01 * Double(k))
          }
          copy.summary.cnn = cnn
          copy.summary.seed = seed
          runs.append(copy)
        }
      }
      try VerifyFile.write(VerificationRecord(
        candidates: record.candidates, roles: record.roles, budgets: record.budgets,
        seeds: [1993, 1994, 1995], runs: runs, verdict: record.verdict,
        provenance: record.provenance), to: run + "/verify.h5")
      let three = try Self.render(run, into: directory + "/three")
      #expect(!three.contains("one seed"), "the one-seed caveat with three seeds")
      #expect(three.contains("3 seeds (1993, 1994, 1995)"))
      let tasks = try Self.text(directory + "/three/charts/accuracy_tasks.svg")
      #expect(tasks.contains("mean ± 95% interval over 3 seeds"))
      // Five candidates × five tasks, each a mean with its interval.
      #expect(tasks.components(separatedBy: "class=\"error-bar\"").count - 1 == 25)
      let memory = try Self.text(directory + "/three/charts/accuracy_memory.svg")
      #expect(memory.components(separatedBy: "class=\"error-bar\"").count - 1 == 5)
      #expect(memory.components(separatedBy: "class=\"seed\"").count - 1 == 15)
      // Seeds 1.00 points apart around the middle one: mean = the middle seed, interval
      // t(0.975, 2) · 1 / √3 = 2.484 points.
      #expect(memory.contains("none (single backbone): 68.51% ± 2.48% (95% interval over 3 seeds)"))
    }
  }

  static let python = "/usr/bin/python3"
  static var hasPandas: Bool {
    FileManager.default.isExecutableFile(atPath: python)
      && (try? run(python, ["-c", "import pandas, xarray, h5netcdf"]).status) == 0
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-report-log-\(UUID().uuidString)").path
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    return (process.terminationStatus, (try? Self.text(log)) ?? "")
  }

  /// pandas reads every CSV with numbers as numbers, the HDF5 names as columns and the files'
  /// values to the last bit (Tests/ReportsTests/Oracles/check_csv.py).
  @Test(.enabled(if: hasPandas, "Debian's python3-pandas/xarray are missing: run scripts/install-deps --test"))
  func pandasReadsTidyFullPrecisionCSV() throws {
    try Self.withDirectory { directory in
      _ = try Self.render(into: directory)
      let script = Self.repository.appendingPathComponent("Tests/ReportsTests/Oracles/check_csv.py").path
      let result = try Self.run(Self.python, [script, directory + "/tables", Self.quickstart])
      #expect(result.status == 0, "\(result.output)")
      print(result.output)
    }
  }
}
