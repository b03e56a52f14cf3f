import Analysis
import Foundation
import Recording

/// The report's part on the verification grid: the per-budget verdicts, the AUC (mean ± 95% CI
/// over seeds), the accuracy–memory curve per candidate with 95% error bars (memory in MiB) and
/// tidy CSV tables (one row per observation, columns named as verify.h5's variables, empty
/// fields for missing values).
struct VerificationGridContent {
  let record: VerificationRecord

  init(_ record: VerificationRecord) { self.record = record }

  /// A number for CSV; empty when missing.
  static func cell(_ value: Double) -> String { value.isFinite ? String(format: "%.6g", value) : "" }

  func add(to s: inout ReportContent.Section) {
    let v = record
    if let stats = v.statistics {
      for (b, sentence) in stats.verdicts.enumerated() {
        s.text.append("Budget \(v.budgets[b]) bytes (\(Self.mib(v.budgets[b])) MiB): \(sentence)")
      }
      if v.budgets.count >= 2 {
        let auc = v.candidates.indices.map { c -> String in
          let interval = stats.aucLow[c].isFinite
            ? String(format: " (95%% CI %.3f to %.3f)", stats.aucLow[c], stats.aucHigh[c]) : ""
          return stats.aucMean[c].isFinite
            ? "\(v.candidates[c]) " + String(format: "%.3f", stats.aucMean[c]) + interval
            : "\(v.candidates[c]) – (fits fewer than two budgets)"
        }
        s.text.append("Area under average incremental accuracy against memory (AUC-A, MB = 2^20 "
          + "bytes, mean over \(v.seeds.count) seeds): " + auc.joined(separator: "; ")
          + ". Compare only candidates that fit the same budgets.")
      }
      s.tables.append(("verification_verdict", Table(
        columns: ["budget", "verdict"],
        rows: v.budgets.indices.map { ["\(v.budgets[$0])", stats.verdicts[$0]] })))
      s.tables.append(("verification_paired_difference", Table(
        columns: ["candidate", "budget", "fits", "paired_difference", "paired_difference_ci_low",
                  "paired_difference_ci_high"],
        rows: v.candidates.indices.flatMap { c in
          v.budgets.indices.map { b in
            [v.candidates[c], "\(v.budgets[b])", "\(stats.fits[c][b])",
             Self.cell(stats.pairedDifference[c][b]), Self.cell(stats.pairedDifferenceLow[c][b]),
             Self.cell(stats.pairedDifferenceHigh[c][b])]
          }
        })))
      s.tables.append(("verification_auc", Table(
        columns: ["candidate", "seed", "auc", "auc_last"],
        rows: v.candidates.indices.flatMap { c in
          v.seeds.indices.map { i in
            [v.candidates[c], "\(v.seeds[i])", Self.cell(stats.auc[c][i]), Self.cell(stats.aucLast[c][i])]
          }
        })))
      s.tables.append(("verification_auc_mean", Table(
        columns: ["candidate", "auc_mean", "auc_ci_low", "auc_ci_high", "auc_last_mean",
                  "auc_last_ci_low", "auc_last_ci_high"],
        rows: v.candidates.indices.map { c in
          [v.candidates[c], Self.cell(stats.aucMean[c]), Self.cell(stats.aucLow[c]),
           Self.cell(stats.aucHigh[c]), Self.cell(stats.aucLastMean[c]),
           Self.cell(stats.aucLastLow[c]), Self.cell(stats.aucLastHigh[c])]
        })))
    }
    s.charts.append(("accuracy_memory_curve", curve.svg))
    s.tables.append(("verification_runs", Table(
      columns: ["candidate", "budget", "seed", "total_bytes", "average_incremental_accuracy",
                "last_accuracy"],
      rows: v.candidates.flatMap { c in
        v.budgets.flatMap { b in
          v.seeds.map { seed in
            let run = v.run(c, budget: b, seed: seed)?.summary
            return [c, "\(b)", "\(seed)", run?.totalBytes.last.map(String.init) ?? "",
                    Self.cell(run?.cnn.averageIncrementalAccuracy ?? .nan),
                    Self.cell(run?.cnn.lastAccuracy ?? .nan)]
          }
        }
      })))
  }

  static func mib(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_048_576) }

  /// Per candidate, through the budgets it fits: mean average incremental accuracy over seeds
  /// against mean memory held (MiB), with the 95% t interval over seeds as error bars.
  var curve: XYChart {
    let v = record
    return XYChart(
      title: "Accuracy against memory (mean over \(v.seeds.count) seeds, 95% CI)",
      xLabel: "total memory (MiB)", yLabel: "average incremental accuracy",
      series: v.candidates.map { c in
        .init(name: c, points: v.budgets.compactMap { b in
          let runs = v.seeds.compactMap { v.run(c, budget: b, seed: $0)?.summary }
          guard !runs.isEmpty else { return nil }
          let accuracy = MeanInterval(runs.map(\.cnn.averageIncrementalAccuracy))
          let memory = runs.map { Double($0.totalBytes.last ?? b) }.reduce(0, +) / Double(runs.count)
          return .init(x: memory / 1_048_576, y: accuracy.mean,
                       label: "budget \(b) bytes, \(runs.count) seeds",
                       yLow: accuracy.low, yHigh: accuracy.high)
        })
      })
  }
}
