import Foundation
import Recording
import Testing
@testable import Pipeline
@testable import StrataCommands

/// An image-folder spec through `strata run` to report.html: the probe stage records the run
/// (image, classes, architecture) and every later stage reads it from the file, so `strata
/// split` needs no --image for a data set no built-in table knows.
@Suite(.serialized) struct ImageFolderRunTests {
  static let architecture = """
    {"name": "tiny8", "stem": "cifar", "stemWidth": 4,
     "stages": [{"block": "basic", "blocks": 1, "width": 4, "stride": 1},
                {"block": "basic", "blocks": 1, "width": 8, "stride": 2}],
     "shortcut": "A", "inputChannels": 3, "inputSize": 8, "classes": 4}
    """

  static let spec = """
    {"model_name": "replay", "dataset": "image-folder", "data_root": "images",
     "image_size": 8, "architecture": "tiny8.json", "init_cls": 2, "increment": 2,
     "memory_size": 8, "init_epoch": 1, "epochs": 1, "init_milestones": [], "milestones": [],
     "batch_size": 4, "seed": 1993}
    """

  @Test func imageFolderRunsEndToEnd() throws {
    let directory = try ImageFolderTrainTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try ImageFolderTrainTests.writeFolder(directory.appendingPathComponent("images"), classes: 4,
                                          perClass: 6)
    try Self.architecture.write(to: directory.appendingPathComponent("tiny8.json"),
                                atomically: true, encoding: .utf8)
    let spec = directory.appendingPathComponent("folder.json").path
    try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("run").path
    let (status, log) = try RunCommandTests.strata(["run", spec, "--out", out, "--quiet",
                                                    "--jobs", "1"])
    #expect(status == 0, "\(log)")
    for file in ["probes.h5", "split.json", "split.h5", "verify.h5", "report.html"] {
      #expect(FileManager.default.fileExists(atPath: "\(out)/\(file)"), "no \(file)")
    }
    let run = try #require(try ProbeFile.open(out + "/probes.h5").read().run)
    #expect(run.dataset == "image-folder" && run.image.height == 8 && run.image.channels == 3)
    #expect(run.classNames == ["c000", "c001", "c002", "c003"] && run.taskSizes == [2, 2])
    #expect(run.classOrder.sorted() == [0, 1, 2, 3])
    // The verification's records and verify.h5 carry the class order and names too.
    let verify = try VerifyFile.read(out + "/verify.h5")
    #expect(verify.run?.classNames == run.classNames && verify.run?.classOrder == run.classOrder)
    let first = try #require(verify.runs.first)
    let record = try TrainingRecord.read(
      "\(out)/runs/\(first.candidate)__b\(first.budget)__s\(first.seed).h5")
    #expect(record.run?.classOrder == run.classOrder && record.run?.classNames == run.classNames)

    // strata split on the same file, no --image: the run record holds the image.
    let split = try #require(try Strata.parseAsRoot(
      ["split", out + "/probes.h5", "--output-dir", directory.appendingPathComponent("again").path,
       "--bootstrap", "20"]) as? SplitCommand)
    let (report, _) = try split.analyze()
    #expect(report.verificationPlan.imageBytes == 8 * 8 * 3)
  }
}
