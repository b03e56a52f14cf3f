import Foundation
import Recording
import StrataTestSupport
import Testing
@testable import Pipeline
@testable import StrataCommands

/// Every data set Strata reads, through `strata run` to report.html on tiny generated files:
/// Fashion-MNIST (IDX files in data_root, also by its alias fmnist), CIFAR-10 and CIFAR-100 (binary and python
/// versions), an image folder (PNG and JPEG) and the imagenet100 layout. The run record in
/// probes.h5 names the data set's image and classes, which the later stages read.
@Suite(.serialized) struct DatasetRunTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var dataset: String
    var classes: Int
    var image: (height: Int, channels: Int)
    var extra: String
    var write: @Sendable (URL) throws -> Void
    var testDescription: String { name }
  }

  /// Deterministic pixel bytes: class `label` has its own mean, so classes differ.
  static func pixels(_ count: Int, label: Int, index: Int) -> [UInt8] {
    (0..<count).map { UInt8((label * 37 + index * 11 + $0 * 7) % 200 + label % 50) }
  }

  /// `cifar-10-batches-bin/data_batch_{1..5}.bin, test_batch.bin` or `cifar-100-binary/
  /// train.bin, test.bin`: one record per image, label byte(s) then 3,072 pixel bytes.
  static func writeCIFARBinary(_ root: URL, classes: Int) throws {
    let hundred = classes == 100
    let folder = root.appendingPathComponent(hundred ? "cifar-100-binary" : "cifar-10-batches-bin")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    func records(perClass: Int, offset: Int) -> Data {
      var bytes: [UInt8] = []
      for c in 0..<classes {
        for i in 0..<perClass {
          bytes += (hundred ? [UInt8(c / 5), UInt8(c)] : [UInt8(c)])
            + pixels(3072, label: c, index: i + offset)
        }
      }
      return Data(bytes)
    }
    let train = hundred ? ["train.bin"] : (1...5).map { "data_batch_\($0).bin" }
    for (k, name) in train.enumerated() {
      try records(perClass: 1, offset: k).write(to: folder.appendingPathComponent(name))
    }
    try records(perClass: 1, offset: 9)
      .write(to: folder.appendingPathComponent(hundred ? "test.bin" : "test_batch.bin"))
  }

  /// The python version, pickled by Debian's python3 with numpy, as the archives are.
  static func writeCIFARPickle(_ root: URL, classes: Int) throws {
    let hundred = classes == 100
    let folder = root.appendingPathComponent(hundred ? "cifar-100-python" : "cifar-10-batches-py")
    let script = """
      import numpy as np, os, pickle, sys
      folder, classes, hundred = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
      os.makedirs(folder, exist_ok=True)
      def batch(offset):
          labels = [c for c in range(classes)]
          data = np.array([[(c * 37 + offset * 11 + j * 7) % 200 + c % 50 for j in range(3072)]
                           for c in labels], dtype=np.uint8)
          if hundred:
              return {b"data": data, b"fine_labels": labels, b"coarse_labels": [c // 5 for c in labels]}
          return {b"data": data, b"labels": labels}
      names = ["train"] if hundred else ["data_batch_%d" % k for k in range(1, 6)]
      for k, name in enumerate(names):
          with open(os.path.join(folder, name), "wb") as f:
              pickle.dump(batch(k), f, protocol=2)
      with open(os.path.join(folder, "test" if hundred else "test_batch"), "wb") as f:
          pickle.dump(batch(9), f, protocol=2)
      """
    let result = try StrataTestSupport.ChildProcess.run(DebianPython.path,
                                      ["-c", script, folder.path, "\(classes)", hundred ? "1" : "0"])
    guard result.status == 0 else {
      throw SweepError(path: folder.path, message: "python3 could not write the pickles: \(result.errors)")
    }
  }

  /// Fashion-MNIST's four IDX files (uncompressed) with two images per class.
  static func writeIDX(_ root: URL) throws {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    func idx(_ prefix: String, perClass: Int, offset: Int) throws {
      let count = 10 * perClass
      func header(_ magic: UInt32, _ dims: [UInt32]) -> [UInt8] {
        ([magic] + dims).flatMap { v in (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } }
      }
      var images = header(0x0803, [UInt32(count), 28, 28]), labels = header(0x0801, [UInt32(count)])
      for c in 0..<10 {
        for i in 0..<perClass {
          images += pixels(784, label: c, index: i + offset)
          labels.append(UInt8(c))
        }
      }
      try Data(images).write(to: root.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
      try Data(labels).write(to: root.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }
    try idx("train", perClass: 2, offset: 0)
    try idx("t10k", perClass: 1, offset: 5)
  }

  static let schedule = """
    "init_epoch": 1, "epochs": 1, "init_milestones": [], "milestones": [], "batch_size": 8,
    "seed": 1993
    """

  static let cases: [Case] = [
    Case(name: "fashion-mnist (IDX)", dataset: "fashion-mnist", classes: 10, image: (28, 1),
         extra: #""init_cls": 5, "increment": 5, "memory_size": 10"#,
         write: { try writeIDX($0) }),
    // The alias took the path of a data set without a built-in table once (issue 19).
    Case(name: "fmnist alias (IDX)", dataset: "fmnist", classes: 10, image: (28, 1),
         extra: #""init_cls": 5, "increment": 5, "memory_size": 10"#,
         write: { try writeIDX($0) }),
    Case(name: "cifar10 binary", dataset: "cifar10", classes: 10, image: (32, 3),
         extra: #""init_cls": 5, "increment": 5, "memory_size": 10"#,
         write: { try writeCIFARBinary($0, classes: 10) }),
    Case(name: "cifar10 pickle", dataset: "cifar10", classes: 10, image: (32, 3),
         extra: #""init_cls": 5, "increment": 5, "memory_size": 10"#,
         write: { try writeCIFARPickle($0, classes: 10) }),
    Case(name: "cifar100 binary", dataset: "cifar100", classes: 100, image: (32, 3),
         extra: #""init_cls": 50, "increment": 50, "memory_size": 100"#,
         write: { try writeCIFARBinary($0, classes: 100) }),
    Case(name: "cifar100 pickle", dataset: "cifar100", classes: 100, image: (32, 3),
         extra: #""init_cls": 50, "increment": 50, "memory_size": 100"#,
         write: { try writeCIFARPickle($0, classes: 100) }),
    Case(name: "image folder (PNG, JPEG)", dataset: "image-folder", classes: 4, image: (8, 3),
         extra: #""init_cls": 2, "increment": 2, "memory_size": 8, "image_size": 8"#,
         write: { try ImageFolderTrainTests.writeFolder($0, classes: 4, perClass: 2) }),
    Case(name: "imagenet100 layout", dataset: "imagenet100", classes: 100, image: (8, 3),
         extra: #""init_cls": 50, "increment": 50, "memory_size": 100, "image_size": 8"#,
         write: { try ImageFolderTrainTests.writeFolder($0, classes: 100, perClass: 1) }),
  ]

  /// A tiny two-stage network for `channels`-channel input of side `size`.
  static func architecture(channels: Int, size: Int, classes: Int) -> String {
    """
    {"name": "tiny", "stem": "cifar", "stemWidth": 4,
     "stages": [{"block": "basic", "blocks": 1, "width": 4, "stride": 1},
                {"block": "basic", "blocks": 1, "width": 8, "stride": 2}],
     "shortcut": "A", "inputChannels": \(channels), "inputSize": \(size), "classes": \(classes)}
    """
  }

  @Test(arguments: cases)
  func runsEndToEnd(_ c: Case) throws {
    let directory = try ImageFolderTrainTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try c.write(directory.appendingPathComponent("data"))
    try Self.architecture(channels: c.image.channels, size: c.image.height, classes: c.classes)
      .write(to: directory.appendingPathComponent("tiny.json"), atomically: true, encoding: .utf8)
    let spec = directory.appendingPathComponent("spec.json").path
    try """
      {"model_name": "replay", "dataset": "\(c.dataset)", "data_root": "data",
       "architecture": "tiny.json", \(c.extra), \(Self.schedule)}
      """.write(toFile: spec, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("run").path
    let (status, log) = try RunCommandTests.strata(["run", spec, "--out", out, "--quiet",
                                                    "--jobs", "2"])
    #expect(status == 0, "\(c.name): \(log)")
    #expect(FileManager.default.fileExists(atPath: out + "/report.html"), "\(c.name): no report")
    let run = try #require(try ProbeFile.open(out + "/probes.h5").read().run)
    #expect(run.dataset == c.dataset && run.classCount == c.classes)
    #expect(run.image.height == c.image.height && run.image.channels == c.image.channels)
    #expect(run.classOrder.sorted() == Array(0..<c.classes) && run.taskSizes.count == 2)
    #expect(try VerifyFile.read(out + "/verify.h5").run?.classOrder == run.classOrder)
  }
}
