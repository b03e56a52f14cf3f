import ArgumentParser
import CIL
import Foundation
import NN
import Testing
@testable import StrataCommands

/// `strata probe`: options, and specs it refuses before any data is read.
@Suite struct ProbeCommandTests {
  static func command(_ arguments: [String]) throws -> ProbeCommand {
    try #require(try Strata.parseAsRoot(["probe"] + arguments) as? ProbeCommand)
  }

  @Test func parsesItsOptions() throws {
    let command = try Self.command([
      "run.json", "-o", "p.h5", "--probe-per-class", "20", "--cka-batch", "10",
      "--cka-features", "pooled", "--per-iteration", "--export-activations", "stem, head",
      "--activations-output", "a.h5", "--force",
    ])
    #expect(command.spec == "run.json" && command.output == "p.h5")
    #expect(command.probePerClass == 20 && command.ckaBatch == .size(10))
    #expect(try Self.command(["run.json", "--cka-batch", "all"]).ckaBatch.images == nil)
    #expect(command.ckaFeatures == .pooled && command.ckaFeatures.features == .globalAveragePool)
    #expect(command.perIteration && command.force && command.activationsOutput == "a.h5")
    let defaults = try Self.command(["run.json"])
    #expect(defaults.output == "probes.h5" && !defaults.force && defaults.exportActivations == nil)
    #expect(defaults.ckaFeatures == .flatten && defaults.probePerClass == 100)
    #expect(!defaults.rewind && !defaults.retrain)
    let probes = try Self.command(["run.json", "--rewind", "--retrain"])
    #expect(probes.rewind && probes.retrain)
  }

  @Test func exportBlocksAreAListOrAll() throws {
    var spec = RunSpec()
    spec.architecture = "resnet20"
    let plan = try RunPlan(spec, classCount: 10, image: .init(channels: 1, height: 28, width: 28),
                           file: "spec.json")
    #expect(try Self.command(["s.json", "--export-activations", "stem, head"]).exportBlocks(plan)
      == ["stem", "head"])
    let all = try Self.command(["s.json", "--export-activations", "all"]).exportBlocks(plan)
    #expect(all.count == 11 && all.first == "stem" && all.last == "head")
    #expect(try Self.command(["s.json"]).exportBlocks(plan).isEmpty)
  }

  @Test func refusesTooSmallCKABatches() {
    #expect(throws: (any Error).self) { try Self.command(["run.json", "--cka-batch", "3"]) }
    #expect(throws: (any Error).self) { try Self.command(["run.json", "--probe-per-class", "0"]) }
  }

  /// Only one-backbone methods: the error names the file and the key, before any data loads.
  @Test func refusesOtherMethods() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-probe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("memo.json").path
    try #"{"model_name": "memo", "dataset": "cifar100"}"#.write(toFile: path, atomically: true,
                                                              encoding: .utf8)
    let error = try #require(throws: RunSpecError.self) { _ = try Self.command([path]).prepare() }
    #expect(error.file == path && error.key == "model_name")
    #expect(error.description.contains("finetune or replay") && error.description.contains("memo"))
  }

  @Test func helpHasAnExample() {
    let help = ProbeCommand.helpMessage()
    #expect(help.contains("strata probe analyses/probe-fashion-mnist.json --output probes.h5"))
    #expect(help.contains("--export-activations") && help.contains("--force"))
  }
}
