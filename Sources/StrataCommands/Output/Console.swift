import ArgumentParser
import Foundation

/// How a command talks to its user: progress and log lines on stderr, results on stdout.
///
/// - on a terminal, a progress bar redrawn in place with rate and ETA;
/// - otherwise (a log file, CI, Slurm) one plain line per finished unit (an epoch);
/// - `--log-format json` writes one JSON object per line instead, for machines;
/// - `--quiet` keeps only warnings and errors.
///
/// Piped to one file, stdout and stderr must not cut into each other's lines: every console
/// write flushes stdout first (stdout is block-buffered off a terminal, stderr not), so a
/// result table printed before a log line stays before it and whole.
public final class Console: @unchecked Sendable {
  public enum Level: String, Comparable, CaseIterable, ExpressibleByArgument, Sendable {
    case debug, info, warning, error
    public static func < (a: Level, b: Level) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  public enum Format: String, CaseIterable, ExpressibleByArgument, Sendable {
    case text, json
  }

  let level: Level
  let format: Format
  /// Whether a bar may be redrawn in place (a terminal, text format, not quiet).
  let drawsBar: Bool
  private let write: (String) -> Void
  private let clock: () -> Double
  private let lock = NSLock()
  private var barVisible = false

  public init(level: Level = .info, format: Format = .text, terminal: Bool? = nil,
              write: ((String) -> Void)? = nil, clock: (() -> Double)? = nil)
  {
    self.level = level
    self.format = format
    let isTerminal = terminal ?? (isatty(STDERR_FILENO) == 1)
    drawsBar = isTerminal && format == .text && level <= .info
    self.write = write ?? { text in
      fflush(nil)  // every output stream, i.e. stdout (Swift 6 cannot name C's stdout)
      FileHandle.standardError.write(Data(text.utf8))
    }
    self.clock = clock ?? { Date().timeIntervalSince1970 }
  }

  var now: Double { clock() }

  /// A log line at `level` with optional structured fields (kept as keys in JSON).
  public func log(_ level: Level, _ message: String, _ fields: [String: Any] = [:]) {
    guard level >= self.level else { return }
    lock.lock()
    defer { lock.unlock() }
    clearBar()
    switch format {
    case .text:
      let prefix = level >= .warning ? "\(level.rawValue): " : ""
      write(prefix + message + "\n")
    case .json:
      var object: [String: Any] = ["time": Self.timestamp(now), "level": level.rawValue,
                                   "message": message]
      for (key, value) in fields { object[key] = Self.jsonValue(value) }
      if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
        write(String(decoding: data, as: UTF8.self) + "\n")
      }
    }
  }

  public func debug(_ message: String, _ fields: [String: Any] = [:]) { log(.debug, message, fields) }
  public func info(_ message: String, _ fields: [String: Any] = [:]) { log(.info, message, fields) }
  public func warning(_ message: String) { log(.warning, message) }

  /// Redraws the bar in place (terminal only; elsewhere the finished line is the record).
  func drawBar(_ text: String) {
    guard drawsBar else { return }
    lock.lock()
    defer { lock.unlock() }
    write("\r\u{1B}[2K" + text)
    barVisible = true
  }

  /// Clears a bar left on the terminal (at the end of a stage with no line after it).
  func finishBar() {
    lock.lock()
    defer { lock.unlock() }
    clearBar()
  }

  private func clearBar() {
    if barVisible {
      write("\r\u{1B}[2K")
      barVisible = false
    }
  }

  static func timestamp(_ seconds: Double) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
  }

  /// JSON has no NaN or infinity: they become null.
  static func jsonValue(_ value: Any) -> Any {
    switch value {
    case let d as Double: return d.isFinite ? d : NSNull()
    case let f as Float: return f.isFinite ? Double(f) : NSNull()
    default: return value
    }
  }
}
