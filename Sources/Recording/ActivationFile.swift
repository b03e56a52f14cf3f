import Foundation
import HDF5

/// The probe-set activations of chosen blocks before and after every task t ≥ 1, exactly the
/// feature rows the CKA estimator saw, so that anyone can recompute CKA or any other similarity
/// outside Strata (the optional export of `strata probe --export-activations`).
///
/// netCDF-4 groups, each with its own dimension scales, so
/// `xarray.open_dataset(path, group="task1/old", engine="h5netcdf")` opens one:
///
/// - `/task<t>/old` and `/task<t>/new` (probe images of the classes before task t / of task t),
///   each with the coordinate `image` (the images' indices in the test split, in the
///   estimator's order: consecutive runs of `cka_batch_size` rows are its batches) and
///   `label[image]` (original class);
/// - per exported block b: the coordinate `b.feature` and `b.before[image, b.feature]` (the
///   network at the end of task t−1), `b.after[image, b.feature]` (at the end of task t).
///
/// Appended task by task, atomically, like the probe file.
public struct ActivationFile: Sendable {
  public let path: String
  /// The exported blocks.
  public let blocks: [String]

  /// One block's feature rows on a subset, before and after the task.
  public struct Features: Sendable {
    public let block: String
    public private(set) var width = 0
    public private(set) var before: [Float] = []
    public private(set) var after: [Float] = []

    public init(block: String) { self.block = block }

    public mutating func append(before x: (values: [Float], width: Int),
                                after y: (values: [Float], width: Int))
    {
      precondition(x.width == y.width && (width == 0 || width == x.width),
                   "\(block): features of widths \(x.width), \(y.width) after \(width)")
      width = x.width
      before += x.values
      after += y.values
    }
  }

  /// The old-class or new-class probe images of one task.
  public struct Subset: Sendable {
    public let name: String
    /// Test-split indices, in estimator order.
    public let images: [Int]
    public let labels: [Int32]
    public let features: [Features]

    public init(name: String, images: [Int], labels: [Int32], features: [Features]) {
      self.name = name
      self.images = images
      self.labels = labels
      self.features = features
    }
  }

  /// An empty file for `blocks`, with the estimator settings and the provenance at the root.
  /// Refuses to replace an existing file unless `overwrite`.
  public static func create(at path: String, blocks: [String], settings: ProbeSettings,
                            provenance: Provenance, overwrite: Bool = false) throws
    -> ActivationFile
  {
    try createAtomically(path, overwrite: overwrite) { file in
      let attributes = file.attributes
      try attributes.write("description", "probe-set activations before (theta(t-1)) and after "
        + "(theta(t)) task t, as the CKA estimator of the probe file saw them: group "
        + "task<t>/old and task<t>/new, variables <block>.before and <block>.after [image, "
        + "<block>.feature]; consecutive runs of cka_batch_size rows are the estimator's batches "
        + "(0: all rows are one batch)")
      try attributes.write("blocks", blocks.joined(separator: ","))
      try attributes.write("cka_batch_size", Int64(settings.ckaBatchSize))
      try attributes.write("features", settings.ckaFeatures)
      try attributes.write("probe_images_per_class", Int64(settings.probeImagesPerClass))
      try attributes.write("probe_set", settings.probeSet)
      try provenance.write(to: attributes)
    }
    return ActivationFile(path: path, blocks: blocks)
  }

  /// Adds group `task<t>` with its subsets; a subset without images is left out.
  public func append(task: Int, subsets: [Subset]) throws {
    try modifyAtomically(path) { file in
      let group = try file.root.createGroup("task\(task)")
      try group.attributes.write("task", Int64(task))
      for subset in subsets where !subset.images.isEmpty {
        let g = try group.createGroup(subset.name)
        try g.createCoordinate("image", values: subset.images.map(Int64.init))
        try g.describe("image", "probe image", "1", "index of the image in the test split")
        try g.createVariable("label", dimensions: ["image"], values: subset.labels)
        try g.describe("label", "class label", "1", "original class of the image")
        for features in subset.features {
          let b = features.block
          try g.createCoordinate("\(b).feature", values: (0..<features.width).map(Int32.init))
          try g.describe("\(b).feature", "feature of \(b)", "1",
                         "index into the block's output as the estimator saw it")
          for (side, values, when) in [("before", features.before, "t-1"),
                                       ("after", features.after, "t")] {
            try g.createVariable("\(b).\(side)", dimensions: ["image", "\(b).feature"],
                                 values: values)
            try g.describe("\(b).\(side)", "\(b) output \(side) task \(task)", "1",
                           "the block's output under theta(\(when)) on the probe images")
          }
        }
      }
    }
  }
}
