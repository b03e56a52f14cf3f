import Analysis
import Foundation
import Recording

/// The verification as a person reads it: per budget one row per candidate (means over seeds,
/// the paired difference to the reference with its 95% interval, "does not fit" where the model
/// alone exceeds the budget) and the budget's verdict; then the AUC per candidate.
struct VerifyTable {
  let record: VerificationRecord

  init(_ record: VerificationRecord) { self.record = record }

  var rendered: String {
    var text = ""
    let stats = record.statistics
    for (b, budget) in record.budgets.enumerated() {
      let average = Verdict.means(record.runs, candidates: record.candidates, budget: budget,
                                  metric: .averageIncrementalAccuracy)
      let last = Verdict.means(record.runs, candidates: record.candidates, budget: budget,
                               metric: .lastAccuracy)
      var table = TextTable(["split", "role", "avg acc %", "last acc %", "diff (95% CI) pts",
                             "exemplars", "total bytes"], leftAligned: [0, 1])
      for (c, candidate) in record.candidates.enumerated() {
        guard let run = record.run(candidate, budget: budget, seed: record.seeds[0])?.summary else {
          table.add([candidate, record.roles[c], "does not fit", "", "", "", ""])
          continue
        }
        let difference = stats.map {
          Self.interval($0.pairedDifference[c][b], $0.pairedDifferenceLow[c][b],
                        $0.pairedDifferenceHigh[c][b], scale: 100)
        } ?? ""
        table.add([candidate, record.roles[c], String(format: "%.2f", 100 * average[c].mean),
                   String(format: "%.2f", 100 * last[c].mean), difference,
                   "\(run.exemplars.last ?? 0)", "\(run.totalBytes.last ?? 0)"])
      }
      text += "budget \(budget) bytes, \(record.seeds.count) seed(s)\n" + table.rendered
      if let stats { text += "verdict: \(stats.verdicts[b])\n" }
      text += "\n"
    }
    if let stats, record.budgets.count >= 2 {
      var table = TextTable(["split", "AUC-A MB (95% CI)", "AUC-L MB (95% CI)"])
      for (c, candidate) in record.candidates.enumerated() {
        table.add([candidate,
                   Self.area(stats.aucMean[c], stats.aucLow[c], stats.aucHigh[c]),
                   Self.area(stats.aucLastMean[c], stats.aucLastLow[c], stats.aucLastHigh[c])])
      }
      text += "area under accuracy against memory (MB = 2^20 bytes; compare candidates with the "
        + "same budgets only)\n" + table.rendered + "\n"
    }
    if let trainings = record.taskZeroTrainings { text += "task-0 trainings: \(trainings)\n" }
    let v = record.verdict
    return text + "summary: \(v.status.uppercased()): \(v.reason)\n"
  }

  /// "0.1234 [0.1, 0.15]" to 4 significant digits (areas of tiny test models are small).
  static func area(_ mean: Double, _ low: Double, _ high: Double) -> String {
    guard mean.isFinite else { return "–" }
    let m = String(format: "%.4g", mean)
    guard low.isFinite, high.isFinite else { return m }
    return m + String(format: " [%.4g, %.4g]", low, high)
  }

  /// "1.23 [0.50, 1.96]", "1.23" without an interval, "–" without a value.
  static func interval(_ mean: Double, _ low: Double, _ high: Double, scale: Double) -> String {
    guard mean.isFinite else { return "–" }
    let m = String(format: "%+.2f", scale * mean)
    guard low.isFinite, high.isFinite else { return m }
    return m + String(format: " [%+.2f, %+.2f]", scale * low, scale * high)
  }
}
