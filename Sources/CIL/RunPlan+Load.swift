import Data
import Foundation

extension RunPlan {
  /// Everything a command needs before training, from a spec file: the spec (its `data_root`
  /// replaced by `dataRoot` when given) passed to `check`, its data loaded, the plan checked
  /// against both, and the spec's text for the output's provenance. Fails before any training.
  public static func load(spec path: String, dataRoot: String? = nil, seed: Int? = nil,
                          check: (RunSpec) throws -> Void = { _ in }) throws
    -> (plan: RunPlan, data: IncrementalDataset, specText: String)
  {
    var spec = try RunSpec.load(path)
    if let dataRoot { spec.dataRoot = dataRoot }
    // A run seed given apart from the spec (strata probe --seeds): class order, init, batches.
    if let seed { spec.seed = seed }
    try check(spec)
    let data = try spec.loadDataset(file: path)
    try data.checkEveryClassPresent()
    let plan = try RunPlan(spec, classCount: data.classCount, image: try data.inputShape(),
                           file: path)
    let specText = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return (plan, data, specText)
  }
}
