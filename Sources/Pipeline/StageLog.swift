import Foundation

/// Where a stage's progress goes: the command line hands in its console, tests a collector. The
/// stages themselves never print, so the same function serves `strata run`, one command or a test.
public struct StageLog: Sendable {
  public enum Level: Sendable { case info, warning, error }

  let sink: @Sendable (Level, String, [String: any Sendable]) -> Void

  public init(_ sink: @escaping @Sendable (Level, String, [String: any Sendable]) -> Void) {
    self.sink = sink
  }

  /// A line of progress, with fields for a structured log (`--log-format json`).
  public func info(_ message: String, _ fields: [String: any Sendable] = [:]) {
    sink(.info, message, fields)
  }

  public func warning(_ message: String) { sink(.warning, message, [:]) }
  public func error(_ message: String) { sink(.error, message, [:]) }

  /// Drops everything.
  public static let silent = StageLog { _, _, _ in }

  /// `1:02:03`, `4:05`: how long a stage or a run took.
  public static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
  }
}
