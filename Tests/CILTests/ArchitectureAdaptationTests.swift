import CIL
import Data
import Foundation
import StrataTestSupport
import Testing

/// An architecture file whose input channels, input size or class count the data replaces
/// (issue 24, case 9): the plan warns, naming each field, the stated value and the one used.
@Suite struct ArchitectureAdaptationTests {
  @Test func replacedArchitectureFieldsAreWarnedAbout() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-adapt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("custom.json").path
    // States 3 channels of 8×8 and 4 classes.
    try CustomArchitectureSpec.json(name: "custom").write(toFile: file, atomically: true,
                                                          encoding: .utf8)
    var spec = RunSpec()
    spec.architecture = file
    spec.initialClasses = 2
    spec.increment = 2
    let plan = try RunPlan(spec, classCount: 10, image: ImageShape(channels: 1, height: 8, width: 8),
                           file: folder.appendingPathComponent("spec.json").path)
    #expect(plan.warnings.contains { $0.contains("inputChannels 3 is replaced by the data's 1") },
            "\(plan.warnings)")
    #expect(plan.warnings.contains { $0.contains("classes 4 is replaced by the data's 10") })
    #expect(!plan.warnings.contains { $0.contains("inputSize") })
    #expect(plan.architecture.inputChannels == 1)
    // A built-in adapts to the data by design: no warning.
    spec.architecture = "resnet20"
    let builtIn = try RunPlan(spec, classCount: 10, image: ImageShape(channels: 1, height: 28, width: 28),
                              file: "spec.json")
    #expect(!builtIn.warnings.contains { $0.contains("replaced by the data") })
  }
}
