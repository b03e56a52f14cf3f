import Foundation
import HDF5

/// An accuracy–memory curve as measured: the verification record of its grid (candidates are
/// the methods, budgets the curve's points, seeds paired) and what each method trained at each
/// point. The input of `CurveFile`.
public struct CurveRecord: Sendable {
  /// The grid, its statistics (paired differences to MEMO, AUC-A and AUC-L per method with
  /// their intervals) and one verdict sentence per point.
  public var verification: VerificationRecord
  /// `backbones[candidate][budget]`: the architecture's name.
  public var backbones: [[String]]
  /// `splits[candidate][budget]`: MEMO's first specialized block, `stem` for DER, `none` for
  /// one backbone.
  public var splits: [[String]]
  /// `plannedExemplars[candidate][budget]`: the ledger's count, -1 where the model does not fit.
  public var plannedExemplars: [[Int]]
  /// The exemplar-based method's backbone, the reference exemplars and the tasks the budgets
  /// are priced for.
  public var benchmarkBackbone: String
  public var referenceExemplars: Int
  public var tasks: Int

  public init(verification: VerificationRecord, backbones: [[String]], splits: [[String]],
              plannedExemplars: [[Int]], benchmarkBackbone: String, referenceExemplars: Int,
              tasks: Int)
  {
    self.verification = verification
    self.backbones = backbones
    self.splits = splits
    self.plannedExemplars = plannedExemplars
    self.benchmarkBackbone = benchmarkBackbone
    self.referenceExemplars = referenceExemplars
    self.tasks = tasks
  }
}

/// `curve.h5`: verify.h5's layout (`VerifyFile`: candidate = method, budget = the curve's
/// points, seed) plus the curve's own variables — `backbone`, `split` and `planned_exemplars`
/// over candidate × budget — and root attributes `curve_benchmark_backbone`,
/// `curve_reference_exemplars`, `curve_tasks`. Written whole or not at all.
public enum CurveFile {
  public static func write(_ record: CurveRecord, to path: String) throws {
    let building = path + ".building"
    try? FileManager.default.removeItem(atPath: building)
    defer { try? FileManager.default.removeItem(atPath: building) }
    try VerifyFile.write(record.verification, to: building)
    try readingHDF5(building) {
      let file = try HDF5File.open(building, mode: .readWrite)
      do {
        let root = file.root
        let grid = ["candidate", "budget"]
        try root.createVariable("backbone", dimensions: grid, values: record.backbones.flatMap { $0 })
        try root.describe("backbone", "backbone the method trains at the point", "",
                          "MEMO and DER: the point's backbone; the exemplar-based method: the "
                            + "benchmark backbone (MEMO, ICLR 2023, §5)")
        try root.createVariable("split", dimensions: grid, values: record.splits.flatMap { $0 })
        try root.describe("split", "first specialized block", "",
                          "MEMO's split of the point's backbone; stem = DER (a backbone per task); "
                            + "none = one backbone")
        try root.createVariable("planned_exemplars", dimensions: grid,
                                values: record.plannedExemplars.flatMap { $0.map(Int64.init) })
        try root.describe("planned_exemplars", "exemplars the budget buys", "1",
                          "floor((budget - model bytes after the last task) / image bytes); -1 "
                            + "where the model alone exceeds the budget")
        let attributes = root.attributes
        try attributes.write("curve_benchmark_backbone", record.benchmarkBackbone)
        try attributes.write("curve_reference_exemplars", Int64(record.referenceExemplars))
        try attributes.write("curve_tasks", Int32(record.tasks))
        try file.close()
      } catch {
        try? file.close()
        throw error
      }
    }
    try replaceAtomically(path, with: building)
  }

  public static func read(_ path: String) throws -> CurveRecord {
    let verification = try VerifyFile.read(path)
    return try readingHDF5(path) {
      let file = try HDF5File.open(path)
      defer { try? file.close() }
      let root = file.root
      for name in ["backbone", "split", "planned_exemplars"] where !(try root.contains(name)) {
        throw RecordingError(path: path, message: "no variable \(name); not a curve file")
      }
      let width = verification.budgets.count
      let count = verification.candidates.count * width
      func rows<T>(_ values: [T], _ name: String) throws -> [[T]] {
        guard values.count == count else {
          throw RecordingError(path: path, message: "\(name) has \(values.count) values, expected "
                               + "\(count) (candidate × budget)")
        }
        return stride(from: 0, to: count, by: max(width, 1)).map { Array(values[$0..<$0 + width]) }
      }
      let attributes = root.attributes
      return CurveRecord(
        verification: verification,
        backbones: try rows(try root.openDataset("backbone").read(String.self), "backbone"),
        splits: try rows(try root.openDataset("split").read(String.self), "split"),
        plannedExemplars: try rows(try root.openDataset("planned_exemplars").read(Int64.self)
          .map(Int.init), "planned_exemplars"),
        benchmarkBackbone: try attributes.read("curve_benchmark_backbone"),
        referenceExemplars: Int(try attributes.read("curve_reference_exemplars", as: Int64.self)),
        tasks: Int(try attributes.read("curve_tasks", as: Int32.self)))
    }
  }
}
