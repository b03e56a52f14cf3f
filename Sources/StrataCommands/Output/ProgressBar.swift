import Foundation

/// Progress through `total` units of one piece of work (the batches of an epoch), with the rate
/// and the time left, drawn through a `Console`. The rate is a moving average over the recent
/// updates, so a slow first batch (plan creation, page faults) does not skew the estimate.
///
/// On a terminal the bar is redrawn in place. Elsewhere (a log file, CI) a bar made with
/// `linesOffTerminal` prints one line per group of steps, a quarter of the total, and one at
/// the end; without it nothing (the caller's own line per epoch is the record).
public final class ProgressBar {
  let console: Console
  let label: String
  let total: Int
  let unit: String
  /// What the rate counts, and how many of them one unit holds (images per batch).
  let rateUnit: String
  let itemsPerUnit: Double
  let linesOffTerminal: Bool
  private let start: Double
  private var done = 0
  private var lastLine = 0
  private var recent: [(time: Double, done: Int)] = []

  public init(console: Console, label: String, total: Int, unit: String,
              rateUnit: String? = nil, itemsPerUnit: Double = 1, linesOffTerminal: Bool = false)
  {
    self.linesOffTerminal = linesOffTerminal
    self.console = console
    self.label = label
    self.total = max(total, 0)
    self.unit = unit
    self.rateUnit = rateUnit ?? unit
    self.itemsPerUnit = itemsPerUnit
    start = console.now
    recent = [(start, 0)]
  }

  /// Units per second over the last few updates; nil before two updates.
  public var rate: Double? {
    guard let first = recent.first, let last = recent.last, last.time > first.time else {
      return nil
    }
    return Double(last.done - first.done) / (last.time - first.time)
  }

  /// Seconds left at the current rate.
  public var remaining: Double? {
    guard let rate, rate > 0 else { return nil }
    return Double(total - done) / rate
  }

  public func advance(to done: Int) {
    self.done = min(done, total)
    recent.append((console.now, self.done))
    if recent.count > 20 { recent.removeFirst(recent.count - 20) }
    if console.drawsBar {
      console.drawBar(line)
    } else if linesOffTerminal {
      let group = max(1, (total + 3) / 4)
      if self.done == total || self.done - lastLine >= group {
        lastLine = self.done
        console.info(groupLine)
      }
    }
  }

  /// Off a terminal: `train step 10/20 steps  3.1 img/s  0:06 elapsed`.
  var groupLine: String {
    var text = "\(label) \(done)/\(total) \(unit)"
    if let rate { text += String(format: "  %.1f \(rateUnit)/s", rate * itemsPerUnit) }
    return text + "  " + Self.duration(elapsed) + " elapsed"
  }

  /// `label [#####.....] 52/100 batches  413.1 img/s  ETA 0:42`.
  var line: String {
    let width = 24
    let filled = total == 0 ? width : width * done / total
    var text = "\(label) [" + String(repeating: "#", count: filled)
      + String(repeating: ".", count: width - filled) + "] \(done)/\(total) \(unit)"
    if let rate { text += String(format: "  %.1f \(rateUnit)/s", rate * itemsPerUnit) }
    if let remaining { text += "  ETA " + Self.duration(remaining) }
    return text
  }

  public var elapsed: Double { console.now - start }

  /// `1:02:03`, `4:05`.
  public static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, r) : String(format: "%d:%02d", m, r)
  }
}
