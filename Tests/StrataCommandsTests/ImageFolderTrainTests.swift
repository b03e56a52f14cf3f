import CIL
import Data
import Foundation
import HDF5
import Testing
@testable import StrataCommands

/// ImageNet-style folders through the spec, the plan and `strata train`: generated PNG and JPEG
/// files of varying sizes, cropped by the ImageNet transforms to a small input.
@Suite struct ImageFolderTrainTests {
  /// A smooth gradient whose colour and direction depend on the class, so classes differ.
  static func image(width: Int, height: Int, label: Int) -> DecodedImage {
    var bytes: [UInt8] = []
    for y in 0..<height {
      for x in 0..<width {
        let t = label % 2 == 0 ? x * 255 / max(width - 1, 1) : y * 255 / max(height - 1, 1)
        bytes += [UInt8(t), UInt8((label * 60) & 0xFF), UInt8(255 - t)]
      }
    }
    return DecodedImage(width: width, height: height, step: 3, bytes: bytes)
  }

  /// `root/train/c<k>/…` and `root/val/c<k>/…`, `perClass` training images of varying sizes
  /// (alternately PNG and JPEG) and one validation image per class.
  static func writeFolder(_ root: URL, classes: Int, perClass: Int) throws {
    func write(_ relative: String, _ bytes: [UInt8]) throws {
      let url = root.appendingPathComponent(relative)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                              withIntermediateDirectories: true)
      try Foundation.Data(bytes).write(to: url)
    }
    for c in 0..<classes {
      let name = String(format: "c%03d", c)
      for i in 0..<perClass {
        let picture = image(width: 12 + 3 * i, height: 10 + 2 * ((i + c) % 3), label: c)
        if i % 2 == 0 {
          try write("train/\(name)/\(i).png", ImageCodec.encodePNG(picture))
        } else {
          try write("train/\(name)/\(i).jpg", ImageCodec.encodeJPEG(picture))
        }
      }
      try write("val/\(name)/v.png", ImageCodec.encodePNG(image(width: 14, height: 11, label: c)))
    }
  }

  /// A fresh folder; the tests remove it with `defer` (TrainCommandTests.withDirectory's closure
  /// around these bodies crashes swiftc 6.3.1 in its SendNonSendable pass).
  static func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-folder-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
  }

  static func prepare(_ json: String, in directory: URL, arguments: [String] = []) throws
    -> (plan: RunPlan, data: IncrementalDataset, specText: String)
  {
    let path = directory.appendingPathComponent("spec.json").path
    try json.write(toFile: path, atomically: true, encoding: .utf8)
    return try TrainCommandTests.command([path] + arguments).prepare()
  }

  /// A two-task Replay run of ResNet-18 on 16×16 crops of a generated folder, end to end through
  /// `strata train`, its record read back.
  @Test func trainsReplayOnAnImageFolder() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let root = directory.appendingPathComponent("images")
      try Self.writeFolder(root, classes: 4, perClass: 4)
      let spec = """
        {"model_name": "replay", "dataset": "image-folder", "data_root": "\(root.path)",
         "architecture": "resnet18", "image_size": 16, "init_cls": 2, "increment": 2,
         "memory_size": 4, "init_epoch": 1, "epochs": 1, "batch_size": 4, "seed": 3}
        """
      let specPath = directory.appendingPathComponent("spec.json").path
      try spec.write(toFile: specPath, atomically: true, encoding: .utf8)
      let command = try TrainCommandTests.command([specPath, "--output",
        directory.appendingPathComponent("run.h5").path, "--quiet"])
      let (plan, data, _) = try command.prepare()
      #expect(plan.architecture.inputSize == 16 && plan.architecture.inputChannels == 3)
      #expect(plan.ledger.imageBytes == 3 * 16 * 16)
      #expect(data.train.imageShape == nil && data.classCount == 4)
      try command.run()
      let file = try HDF5File.open(directory.appendingPathComponent("run.h5").path)
      let cnn: [Double] = try file.root.openDataset("accuracy_cnn").read()
      #expect(cnn.count == 4 && cnn[1].isNaN)
      #expect([cnn[0], cnn[2], cnn[3]].allSatisfy { $0 >= 0 && $0 <= 1 })
      #expect(try file.root.openDataset("exemplars").read(Int.self) == [4, 4])
      #expect(try file.root.openDataset("exemplar_bytes").read(Int.self) == [4 * 768, 4 * 768])
    }
  }

  @Test func badFoldersNameThePath() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let noRoot = #"{"dataset": "imagenet100", "architecture": "resnet18"}"#
      let missing = try #require(throws: RunSpecError.self) {
        _ = try Self.prepare(noRoot, in: directory)
      }
      #expect(missing.key == "data_root" && missing.description.contains("data_root"))

      let absent = directory.appendingPathComponent("nowhere").path
      let gone = Self.errorText { _ = try Self.prepare(
        #"{"dataset": "image-folder", "data_root": "\#(absent)"}"#, in: directory) }
      #expect(gone.contains("data_root: \(absent): no such folder"), "\(gone)")

      let root = directory.appendingPathComponent("images")
      try Self.writeFolder(root, classes: 3, perClass: 2)
      let hollow = root.appendingPathComponent("train/c001")
      for name in try FileManager.default.contentsOfDirectory(atPath: hollow.path) {
        try FileManager.default.removeItem(at: hollow.appendingPathComponent(name))
      }
      let empty = Self.errorText { _ = try Self.prepare(
        #"{"dataset": "image-folder", "data_root": "\#(root.path)"}"#, in: directory) }
      #expect(empty.contains(hollow.path) && empty.contains("empty class folder"))
    }
  }

  @Test func specChecksForFolders() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      let root = directory.appendingPathComponent("images")
      try Self.writeFolder(root, classes: 3, perClass: 1)
      let notHundred = try #require(throws: RunSpecError.self) { _ = try Self.prepare(
        #"{"dataset": "imagenet100", "data_root": "\#(root.path)", "init_cls": 1}"#,
        in: directory) }
      #expect(notHundred.key == "dataset" && notHundred.message.contains("has 3"))
      let fixed = try #require(throws: RunSpecError.self) { _ = try Self.prepare(
        #"{"dataset": "cifar100", "data_root": "/nowhere", "image_size": 16}"#, in: directory) }
      #expect(fixed.key == "image_size")
    }
  }

  /// The committed ImageNet-100 paper spec passes the plan's checks with a generated 100-class
  /// folder in place of /data/imagenet100: ResNet-18 on 224×224 crops, 11 tasks, 2,000
  /// exemplars priced at 150,528 bytes each.
  @Test func imageNet100PaperSpecPlans() throws {
    let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("analyses/paper/imagenet100-resnet18-b50inc5.json").path
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      try Self.writeFolder(directory, classes: 100, perClass: 1)
      let (plan, data, _) = try RunPlan.load(spec: spec, dataRoot: directory.path)
      #expect(plan.spec.warnings.isEmpty)
      #expect(data.classCount == 100)
      #expect(plan.architecture.name == "resnet18" && plan.architecture.inputSize == 224)
      #expect(plan.stream.count == 11 && plan.stream.increments.first == 50)
      #expect(plan.memory == .total(2000))
      #expect(plan.ledger.imageBytes == 150_528)
    }
  }

  static func errorText(_ body: () throws -> Void) -> String {
    do {
      try body()
      Issue.record("expected an error")
      return ""
    } catch {
      return String(describing: error)
    }
  }
}
