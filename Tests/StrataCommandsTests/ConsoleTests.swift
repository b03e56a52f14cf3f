import Foundation
import Pipeline
import StrataTestSupport
import Testing
@testable import StrataCommands

/// Progress and log output: a bar with rate and ETA on a terminal, plain or JSON lines elsewhere.
@Suite struct ConsoleTests {
  final class Capture: @unchecked Sendable {
    var text = ""
    var time = 1000.0
  }

  static func console(_ capture: Capture, level: Console.Level = .info,
                      format: Console.Format = .text, terminal: Bool) -> Console
  {
    Console(level: level, format: format, terminal: terminal,
            write: { capture.text += $0 }, clock: { capture.time })
  }

  @Test func barShowsRateAndETA() {
    let capture = Capture()
    let console = Self.console(capture, terminal: true)
    let bar = ProgressBar(console: console, label: "task 1 epoch 2/4", total: 100,
                          unit: "batches", rateUnit: "img", itemsPerUnit: 128)
    capture.time += 10
    bar.advance(to: 25)
    // 25 batches in 10 s: 2.5 batches/s = 320 img/s; 75 left → 30 s.
    #expect(bar.remaining == 30)
    #expect(capture.text.hasSuffix("task 1 epoch 2/4 [######..................] 25/100 batches  320.0 img/s  ETA 0:30"))
    #expect(capture.text.hasPrefix("\r"))
    console.info("epoch done")
    #expect(capture.text.hasSuffix("\r\u{1B}[2Kepoch done\n"), "the bar is cleared before a line")
  }

  @Test func noBarWhenNotATerminalOrQuiet() {
    for (level, terminal) in [(Console.Level.info, false), (.warning, true)] {
      let capture = Capture()
      let console = Self.console(capture, level: level, terminal: terminal)
      let bar = ProgressBar(console: console, label: "x", total: 10, unit: "batches")
      capture.time += 1
      bar.advance(to: 5)
      console.info("task 0 epoch 1/1")
      console.warning("careful")
      let expected = (level == .info ? "task 0 epoch 1/1\n" : "") + "warning: careful\n"
      #expect(capture.text == expected)
    }
  }

  @Test func jsonLinesAreObjectsWithNullForNaN() throws {
    let capture = Capture()
    let console = Self.console(capture, format: .json, terminal: true)
    console.info("epoch", ["task": 1, "loss": Double.nan, "accuracy": 0.5])
    let lines = capture.text.split(separator: "\n")
    #expect(lines.count == 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(object["message"] as? String == "epoch" && object["level"] as? String == "info")
    #expect(object["task"] as? Int == 1 && object["accuracy"] as? Double == 0.5)
    #expect(object["loss"] is NSNull)
    #expect((object["time"] as? String)?.hasPrefix("1970-01-01T00:16:40") == true)
  }

  @Test func durations() {
    #expect(ProgressBar.duration(42) == "0:42")
    #expect(ProgressBar.duration(3723) == "1:02:03")
  }

  /// The long commands share the output options.
  @Test func outputOptionsParse() throws {
    for command in ["train", "probe"] {
      let parsed = try Strata.parseAsRoot([command, "s.json", "--log-format", "json",
                                           "--log-level", "warning", "--quiet"])
      let logging = try #require((parsed as? TrainCommand)?.logging ?? (parsed as? ProbeCommand)?.logging)
      #expect(logging.logFormat == .json && logging.logLevel == .warning && logging.quiet)
      #expect(!logging.console().drawsBar)
    }
    #expect(throws: (any Error).self) { try Strata.parseAsRoot(["train", "s.json", "--log-level", "loud"]) }
  }

  /// Off a terminal a stage's progress is a line per quarter of its steps and one at the end,
  /// never carriage returns; on a terminal the same bar is redrawn in place.
  @Test func progressOffATerminalIsOneLinePerStepGroup() {
    let capture = Capture()
    let console = Self.console(capture, terminal: false)
    let bar = ProgressBar(console: console, label: "train", total: 10, unit: "steps",
                          linesOffTerminal: true)
    for step in 1...10 {
      capture.time += 2
      bar.advance(to: step)
    }
    let lines = capture.text.split(separator: "\n").map(String.init)
    #expect(lines.count == 4, "\(lines)")
    #expect(lines.map { $0.components(separatedBy: " steps")[0] }
      == ["train 3/10", "train 6/10", "train 9/10", "train 10/10"])
    #expect(lines.last == "train 10/10 steps  0.5 steps/s  0:20 elapsed")
    #expect(!capture.text.contains("\r"))

    let terminal = Capture()
    let drawn = ProgressBar(console: Self.console(terminal, terminal: true), label: "train",
                            total: 10, unit: "steps", linesOffTerminal: true)
    drawn.advance(to: 10)
    #expect(terminal.text.hasPrefix("\r") && !terminal.text.contains("\n"))
  }

  /// `strata bench engine` off a terminal: its stages as whole lines on stderr, not one line
  /// of carriage returns.
  @Test func benchProgressOffATerminalIsLines() throws {
    var environment = ProcessInfo.processInfo.environment
    environment["OMP_NUM_THREADS"] = "1"
    let result = try StrataTestSupport.ChildProcess.run(
      try StrataExecutable.path(),
      ["bench", "engine", "--compare-convolutions", "--batch", "2", "--steps", "4", "--warmup", "0",
       "--depth", "8", "--threads", "1"], environment: environment)
    #expect(result.status == 0, "\(result.errors)")
    #expect(!result.errors.contains("\r"), "\(result.errors)")
    let lines = result.errors.split(separator: "\n").map(String.init)
    // Four settings, five where this CPU's row runs some layers channels-last.
    let stage = lines.filter { $0.hasPrefix("train, ") && $0.contains(" settings in turn ") }
    #expect(stage.map { $0.components(separatedBy: " in turn ")[1]
                          .components(separatedBy: " steps")[0] }
      == (1...4).map { "\($0)/4" }, "\(lines)")
    #expect(stage.allSatisfy { $0.hasPrefix("train, 4 settings") || $0.hasPrefix("train, 5 settings") },
            "\(stage)")
  }

  /// Piped into one file, a command's stdout lines come whole and before the log lines
  /// written after them: `strata run` on a finished run folder without its report prints
  /// `wrote …report.html` (stdout) before `== report done` (stderr).
  @Test func stdoutAndStderrStayInOrderInOneFile() throws {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-order-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for file in ["probes.h5", "split.json", "split.h5", "verify.h5"] {
      try FileManager.default.copyItem(
        atPath: repository.appendingPathComponent("analyses/quickstart-fashion-mnist/\(file)").path,
        toPath: "\(directory)/\(file)")
    }
    let log = directory + "/log.txt"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try StrataExecutable.path())
    process.arguments = ["run", repository.appendingPathComponent("analyses/quickstart-fashion-mnist.json").path,
                         "--out", directory, "--resume"]
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    let text = try String(contentsOfFile: log, encoding: .utf8)
    #expect(process.terminationStatus == 0, "\(text)")
    let lines = text.split(separator: "\n").map(String.init)
    let wrote = try #require(lines.firstIndex { $0.hasPrefix("wrote \(directory)/report.html") },
                             "\(lines)")
    let done = try #require(lines.firstIndex { $0.hasPrefix("== report done") }, "\(lines)")
    #expect(wrote < done, "\(lines)")
  }
}
