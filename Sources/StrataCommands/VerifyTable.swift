import Analysis
import Foundation
import Recording

/// The verification as a person reads it: one row per candidate at the first budget (means
/// over seeds), then the verdict.
struct VerifyTable {
  let record: VerificationRecord

  init(_ record: VerificationRecord) { self.record = record }

  var rendered: String {
    let budget = record.budgets[0]
    let average = Verdict.means(record.runs, candidates: record.candidates, budget: budget,
                                metric: .averageIncrementalAccuracy)
    let last = Verdict.means(record.runs, candidates: record.candidates, budget: budget,
                             metric: .lastAccuracy)
    var table = TextTable(["split", "role", "avg acc %", "last acc %", "exemplars",
                           "model bytes", "total bytes"], leftAligned: [0, 1])
    for i in record.candidates.indices {
      let run = record.run(record.candidates[i], budget: budget, seed: record.seeds[0])!.summary
      table.add([record.candidates[i], record.roles[i],
              String(format: "%.2f", 100 * average[i].mean), String(format: "%.2f", 100 * last[i].mean),
              "\(run.exemplars.last ?? 0)", "\(run.modelBytes.last ?? 0)", "\(run.totalBytes.last ?? 0)"])
    }
    let v = record.verdict
    return "budget \(budget) bytes, \(record.seeds.count) seed(s)\n" + table.rendered
      + "\n\(v.status.uppercased()): \(v.reason)\n"
  }
}
