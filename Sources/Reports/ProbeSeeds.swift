import Analysis
import Foundation
import Recording

/// The seeds of a probe file as the report shows them: every probe value as the mean over
/// seeds with its 95% t interval over seeds (`MeanInterval`), so no section silently shows the
/// first seed of a multi-seed file. With one seed the "mean" is that seed's value and there is
/// no interval.
struct ProbeSeeds {
  /// One record per seed, in file order (`ProbeFile.readSeeds()`).
  let records: [ProbeRecord]

  init(_ records: [ProbeRecord]) {
    precondition(!records.isEmpty, "a probe file has at least one seed")
    self.records = records
  }

  var seeds: [Int] { records.map(\.seed) }
  var isOne: Bool { records.count == 1 }

  /// What a chart's title says about its seeds.
  var label: String {
    isOne ? "one seed (\(seeds[0])), no interval"
      : "mean over \(records.count) seeds, 95% interval"
  }

  /// Per row and column of a [row][column] variable, the mean over seeds and its interval.
  func summary(_ variable: (ProbeRecord) -> [[Double]]) -> [[MeanInterval]] {
    let values = records.map(variable)
    return values[0].indices.map { r in
      values[0][r].indices.map { c in MeanInterval(values.map { $0[r][c] }) }
    }
  }

  /// Per element of a per-seed vector, the mean over seeds and its interval.
  func summary(_ variable: (ProbeRecord) -> [Double]) -> [MeanInterval] {
    let values = records.map(variable)
    return values[0].indices.map { i in MeanInterval(values.map { $0[i] }) }
  }

  /// The mean of the non-NaN values, NaN when there is none.
  static func mean(_ values: [Double]) -> Double {
    let v = values.filter { !$0.isNaN }
    return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
  }

  /// A table cell: the value (one seed) or "mean ± half-width" (several; the CSV keeps the mean).
  static func cell(_ i: MeanInterval, significant: Int = 4) -> Table.Cell {
    guard i.mean.isFinite else { return .missing }
    guard i.hasInterval else { return .number(i.mean, significant: significant) }
    return Table.Cell(
      display: NumberFormat.significant(i.mean, significant) + " ± "
        + NumberFormat.significant((i.high - i.low) / 2, 2),
      data: NumberFormat.full(i.mean))
  }

  /// A percentage cell: the fraction's mean (and half-width) in percent, the fraction in the CSV.
  static func percentCell(_ i: MeanInterval) -> Table.Cell {
    guard i.mean.isFinite else { return .missing }
    guard i.hasInterval else { return .percent(i.mean) }
    return Table.Cell(display: NumberFormat.percent(i.mean) + " ± "
                        + NumberFormat.percent((i.high - i.low) / 2),
                      data: NumberFormat.full(i.mean))
  }
}
