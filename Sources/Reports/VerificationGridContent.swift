import Analysis
import Foundation
import Recording

/// The report's part on the verification grid: the per-budget verdicts, the AUC (mean ± 95% CI
/// over seeds) and tidy CSV tables (one row per observation, columns named as verify.h5's
/// variables, empty fields for missing values). The accuracy–memory chart is
/// `ReportContent.accuracyAgainstMemory` (a dot per candidate at one budget, a curve with 95%
/// error bars over several).
struct VerificationGridContent {
  let record: VerificationRecord

  init(_ record: VerificationRecord) { self.record = record }

  func add(to s: inout ReportContent.Section) {
    let v = record
    if let stats = v.statistics {
      for (b, sentence) in stats.verdicts.enumerated() {
        s.text.append("Budget \(NumberFormat.grouped(v.budgets[b])) bytes "
          + "(\(Self.mib(v.budgets[b])) MiB): \(sentence)")
      }
      if v.budgets.count >= 2 {
        let auc = v.candidates.indices.map { c -> String in
          let interval = stats.aucLow[c].isFinite
            ? String(format: " (95%% CI %.3f to %.3f)", stats.aucLow[c], stats.aucHigh[c]) : ""
          return stats.aucMean[c].isFinite
            ? "\(v.candidates[c]) " + String(format: "%.3f", stats.aucMean[c]) + interval
            : "\(v.candidates[c]) – (fits fewer than two budgets)"
        }
        s.text.append("Area under average incremental accuracy against memory (AUC-A, memory in MiB = 2^20 "
          + "bytes, mean over \(v.seeds.count) seeds): " + auc.joined(separator: "; ")
          + ". Compare only candidates that fit the same budgets.")
      }
      s.tables.append(("verification_verdict", Table(
        columns: [.init("budget (bytes)", name: "budget"), .init("verdict")],
        rows: v.budgets.indices.map { [.integer(v.budgets[$0]), .text(stats.verdicts[$0])] })))
      s.tables.append(("verification_paired_difference", Table(
        columns: [.init("candidate"), .init("budget (bytes)", name: "budget"), .init("fits"),
                  .init("paired difference (points)", name: "paired_difference"),
                  .init("95% CI low", name: "paired_difference_ci_low"),
                  .init("95% CI high", name: "paired_difference_ci_high")],
        rows: v.candidates.indices.flatMap { c in
          v.budgets.indices.map { b in
            [.text(v.candidates[c]), .integer(v.budgets[b]), .integer(Int(stats.fits[c][b])),
             .percent(stats.pairedDifference[c][b]), .percent(stats.pairedDifferenceLow[c][b]),
             .percent(stats.pairedDifferenceHigh[c][b])]
          }
        })))
      s.tables.append(("verification_auc", Table(
        columns: [.init("candidate"), .init("seed"), .init("AUC-A", name: "auc"),
                  .init("AUC-L", name: "auc_last")],
        rows: v.candidates.indices.flatMap { c in
          v.seeds.indices.map { i in
            [.text(v.candidates[c]), .text("\(v.seeds[i])"), .number(stats.auc[c][i]),
             .number(stats.aucLast[c][i])]
          }
        })))
      s.tables.append(("verification_auc_mean", Table(
        columns: [.init("candidate"), .init("AUC-A mean", name: "auc_mean"),
                  .init("95% CI low", name: "auc_ci_low"), .init("95% CI high", name: "auc_ci_high"),
                  .init("AUC-L mean", name: "auc_last_mean"),
                  .init("95% CI low", name: "auc_last_ci_low"),
                  .init("95% CI high", name: "auc_last_ci_high")],
        rows: v.candidates.indices.map { c in
          [.text(v.candidates[c]), .number(stats.aucMean[c]), .number(stats.aucLow[c]),
           .number(stats.aucHigh[c]), .number(stats.aucLastMean[c]),
           .number(stats.aucLastLow[c]), .number(stats.aucLastHigh[c])]
        })))
    }
    // The runs themselves are the section's `verification` table (ReportContent).
  }

  static func mib(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1_048_576) }
}
