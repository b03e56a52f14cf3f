import Foundation
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
}
