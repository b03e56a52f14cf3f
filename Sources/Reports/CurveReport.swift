import Foundation
import Recording

/// The report of an accuracy–memory curve (`strata curve`), from curve.h5 alone: what each method
/// trained at each point, the area under its curve with the 95% interval, and the verification
/// grid's part of the run report (`VerificationGridContent`: per-point sentences, AUC tables,
/// the accuracy–memory chart with 95% error bars, the runs).
public enum CurveReport {
  /// Writes report.md, report.html, charts/*.svg and tables/*.csv into `directory`; returns the
  /// files written.
  @discardableResult
  public static func write(_ curve: CurveRecord, to directory: String) throws -> [String] {
    try ReportWriter.write(content(curve), to: directory)
  }

  static func content(_ curve: CurveRecord) -> ReportContent {
    let v = curve.verification
    let dataset = v.runs.first?.summary.dataset ?? "the data"
    var summary = ReportContent.Section(title: "Accuracy–memory curve")
    summary.text.append("MEMO's accuracy–memory protocol (ICLR 2023, §5) on \(dataset), "
      + "\(curve.tasks) tasks: at each point MEMO and DER train that point's backbone and "
      + "\(v.candidates.last ?? "the exemplar-based method") the benchmark backbone "
      + "\(curve.benchmarkBackbone); each fills the rest of the budget with exemplars "
      + "(point 1: \(curve.benchmarkBackbone) + \(NumberFormat.grouped(curve.referenceExemplars)) "
      + "exemplars; point k ≥ 2: DER's \(curve.tasks) backbones + the same exemplars). "
      + "\(v.seeds.count) paired seed\(v.seeds.count == 1 ? "" : "s"): "
      + v.seeds.map(String.init).joined(separator: ", ") + ".")
    summary.text.append(v.verdict.reason + ".")
    summary.tables.append(("curve_points", Table(
      columns: [.init("candidate"), .init("budget (bytes)", name: "budget"),
                .init("budget (MiB)", name: "budget_mib"), .init("backbone"), .init("split"),
                .init("planned exemplars", name: "planned_exemplars")],
      rows: v.candidates.indices.flatMap { c in
        v.budgets.indices.map { b -> [Table.Cell] in
          [.text(v.candidates[c]), .integer(v.budgets[b]),
           .number(Double(v.budgets[b]) / 1_048_576, significant: 4),
           .text(curve.backbones[c][b]), .text(curve.splits[c][b]),
           curve.plannedExemplars[c][b] < 0
             ? Table.Cell.missing : Table.Cell.integer(curve.plannedExemplars[c][b])]
        }
      })))
    VerificationGridContent(v).add(to: &summary)
    summary.charts.append(("accuracy_memory", ReportContent.accuracyAgainstMemory(v)))

    var caveats = ReportContent.Section(title: "Caveats")
    caveats.text.append("Intervals are two-sided 95% Student t intervals over the "
      + "\(v.seeds.count) paired seeds (n − 1 degrees of freedom); with few seeds they are wide, "
      + "and with one there are none. AUC is the trapezoid over the points' budgets in MB (2^20 "
      + "bytes), accuracy a fraction (the chart places each mean at the memory its runs held, "
      + "less than the budget where a run had fewer images than it could keep); it is comparable only between methods "
      + "that fit the same points.")
    let p = v.provenance
    caveats.text.append("\(p.threads) thread(s); Strata \(p.strataVersion) (\(p.gitCommit)); "
      + "task-0 trainings: \(v.taskZeroTrainings.map(String.init) ?? "not recorded").")
    let title = "Strata accuracy–memory curve: \(dataset), \(v.candidates.joined(separator: ", "))"
    return ReportContent(title: title, sections: [summary, caveats])
  }
}

extension ReportContent {
  /// A page of given sections (the run report builds its own from a run folder).
  init(title: String, sections: [Section]) {
    self.title = title
    self.sections = sections
  }
}
