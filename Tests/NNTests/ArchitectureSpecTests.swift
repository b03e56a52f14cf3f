import Foundation
import StrataTestSupport
import Testing
@testable import NN

/// JSON architecture specs: built-ins round-trip, and bad input gives an error naming the file,
/// the key path and, where there are few, the legal values.
@Suite struct ArchitectureSpecTests {
  /// The custom spec of the issue: two stages of BasicBlocks at half width.
  static let tiny = CustomArchitectureSpec.json(name: "tiny")

  /// The spec with `edit` applied to its JSON object.
  static func edited(_ edit: (inout [String: Any]) -> Void) throws -> Data {
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(tiny.utf8)) as? [String: Any])
    edit(&object)
    return try JSONSerialization.data(withJSONObject: object)
  }

  static func stage(_ object: inout [String: Any], _ index: Int, _ key: String, _ value: Any?) {
    var stages = object["stages"] as! [[String: Any]]
    stages[index][key] = value
    object["stages"] = stages
  }

  /// The error `decode` throws for `data`, which must throw.
  static func error(_ data: Data, file: String = "specs/tiny.json") throws
    -> ArchitectureSpecError
  {
    do {
      let architecture = try ArchitectureSpec.decode(data, file: file)
      Issue.record("decoded a bad spec: \(architecture)")
      return ArchitectureSpecError(file: "", keyPath: "", message: "")
    } catch {
      return error
    }
  }

  @Test func customSpecDecodesWithScaledWidths() throws {
    let a = try ArchitectureSpec.decode(Data(Self.tiny.utf8), file: "specs/tiny.json")
    #expect(a.name == "tiny")
    #expect(a.stemChannels == 8)
    #expect(a.blockPlans.map(\.name) == ["stage1.block1", "stage1.block2", "stage2.block1",
                                         "stage2.block2"])
    #expect(a.blockPlans.map(\.outChannels) == [8, 8, 16, 16])
    #expect(a.blockPlans.map(\.stride) == [1, 1, 2, 1])
    #expect(a.featureWidth == 16)
    // Without "name" the file names the architecture.
    let unnamed = try ArchitectureSpec.decode(try Self.edited { $0["name"] = nil },
                                              file: "/tmp/my-net.json")
    #expect(unnamed.name == "my-net")
  }

  @Test(arguments: ResNetArchitecture.builtInNames)
  func builtInsAreValidAndRoundTrip(_ name: String) throws {
    let a = try #require(ResNetArchitecture.builtIn(name))
    #expect(a.name == name)
    #expect(a.validationProblems().isEmpty)
    let decoded = try ArchitectureSpec.decode(ArchitectureSpec.encode(a), file: "\(name).json")
    #expect(decoded == a)
    #expect(try ArchitectureSpec.load(name) == a)
  }

  @Test func builtInsHaveTheReferenceLayout() throws {
    let r50 = try #require(ResNetArchitecture.builtIn("resnet50"))
    #expect(r50.stages.map(\.blocks) == [3, 4, 6, 3])
    #expect(r50.stages.allSatisfy { $0.block == .bottleneck })
    #expect(r50.featureWidth == 2048)
    #expect(r50.shortcut == .projection && r50.stem == .imagenet && r50.inputSize == 224)
    let r26 = try #require(ResNetArchitecture.builtIn("resnet26"))
    #expect(r26.stages.map(\.blocks) == [2, 2, 2, 2] && r26.stages[0].block == .bottleneck)
    let r34 = try #require(ResNetArchitecture.builtIn("resnet34"))
    #expect(r34.stages.map(\.blocks) == [3, 4, 6, 3] && r34.stages[0].block == .basic)
    let r110 = try #require(ResNetArchitecture.builtIn("resnet110"))
    #expect(r110.stages.map(\.blocks) == [18, 18, 18] && r110.shortcut == .zeroPadding)
    #expect(r110.stages.map(\.width) == [16, 32, 64])
  }

  @Test func fileIsReadFromDisk() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("strata-spec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("tiny.json").path
    try Data(Self.tiny.utf8).write(to: URL(fileURLWithPath: path))
    #expect(try ArchitectureSpec.load(path).stages.count == 2)
    #expect(throws: ArchitectureSpecError.self) { try ArchitectureSpec.load(path + ".missing") }
    do {
      _ = try ArchitectureSpec.load("resnet33")
    } catch {
      #expect(error.description.hasPrefix("resnet33: neither a built-in architecture"))
      #expect(error.description.contains("resnet32"))
    }
  }

  struct BadCase: Sendable, CustomTestStringConvertible {
    let label: String
    let keyPath: String
    /// Fragments the message must contain.
    let mentions: [String]
    let edit: @Sendable (inout [String: Any]) -> Void
    var testDescription: String { label }
  }

  static let badCases: [BadCase] = [
    BadCase(label: "unknown top-level key", keyPath: "stem_width",
            mentions: ["unknown key", "did you mean \"stemWidth\""]) { $0["stem_width"] = 16 },
    BadCase(label: "unknown key in a stage", keyPath: "stages[1].kernel",
            mentions: ["unknown key", "legal keys here: block, blocks, width, stride"]) {
      stage(&$0, 1, "kernel", 3)
    },
    BadCase(label: "missing field", keyPath: "stages[0].stride", mentions: ["missing"]) {
      stage(&$0, 0, "stride", nil)
    },
    BadCase(label: "missing top-level field", keyPath: "classes", mentions: ["missing"]) {
      $0["classes"] = nil
    },
    BadCase(label: "zero block count", keyPath: "stages[1].blocks",
            mentions: ["stage2's block count must be at least 1, got 0"]) {
      stage(&$0, 1, "blocks", 0)
    },
    BadCase(label: "negative width", keyPath: "stages[0].width",
            mentions: ["must be at least 1, got -4"]) { stage(&$0, 0, "width", -4) },
    BadCase(label: "zero stride", keyPath: "stages[1].stride",
            mentions: ["must be at least 1, got 0"]) { stage(&$0, 1, "stride", 0) },
    BadCase(label: "negative classes", keyPath: "classes", mentions: ["at least 1, got -1"]) {
      $0["classes"] = -1
    },
    BadCase(label: "no stages", keyPath: "stages", mentions: ["at least one stage"]) {
      $0["stages"] = [Any]()
    },
    BadCase(label: "stride shrinking the map below 1×1", keyPath: "stages[2].stride",
            mentions: ["stride 2 would shrink stage3's 1×1 input below 1×1",
                       "input 2×2 → stem 2×2 → stage1 2×2 → stage2 1×1"]) {
      $0["inputSize"] = 2
      var stages = $0["stages"] as! [[String: Any]]
      stages.append(["block": "basic", "blocks": 1, "width": 64, "stride": 2])
      $0["stages"] = stages
    },
    BadCase(label: "input too small for the imagenet stem", keyPath: "inputSize",
            mentions: ["imagenet stem's 3×3/2 max pooling", "at least 3×3"]) {
      $0["stem"] = "imagenet"
      $0["inputSize"] = 2
    },
    BadCase(label: "unknown block kind", keyPath: "stages[1].block",
            mentions: ["\"resnext\" is not one of the legal values", "\"basic\"",
                       "\"bottleneck\""]) { stage(&$0, 1, "block", "resnext") },
    BadCase(label: "unknown shortcut", keyPath: "shortcut",
            mentions: ["\"C\" is not one of the legal values", "\"A\"", "\"B\""]) {
      $0["shortcut"] = "C"
    },
    BadCase(label: "unknown stem", keyPath: "stem",
            mentions: ["\"mnist\"", "\"cifar\"", "\"imagenet\""]) { $0["stem"] = "mnist" },
    BadCase(label: "string for a count", keyPath: "stages[0].blocks",
            mentions: ["expected an integer"]) { stage(&$0, 0, "blocks", "two") },
    BadCase(label: "fractional count", keyPath: "stages[0].blocks",
            mentions: ["expected an integer"]) { stage(&$0, 0, "blocks", 2.5) },
    BadCase(label: "zero width multiplier", keyPath: "widthMultiplier",
            mentions: ["positive number"]) { $0["widthMultiplier"] = 0 },
    BadCase(label: "option A narrowing a stage", keyPath: "stages[1].width",
            mentions: ["shortcut \"A\" pads channels with zeros", "stage2.block1",
                       "\"shortcut\": \"B\""]) { stage(&$0, 1, "width", 8) },
    // Found by fuzzing: sizes whose products overflowed Int in the block registry.
    BadCase(label: "huge input", keyPath: "inputSize",
            mentions: ["beyond the largest supported value"]) { $0["inputSize"] = 666_666_628 },
    BadCase(label: "huge width", keyPath: "stages[0].width",
            mentions: ["beyond the largest supported value"]) { stage(&$0, 0, "width", 1 << 40) },
    BadCase(label: "null width", keyPath: "stages[0].width", mentions: ["found null"]) {
      stage(&$0, 0, "width", NSNull())
    },
    BadCase(label: "stages as an object", keyPath: "stages", mentions: ["expected a list"]) {
      $0["stages"] = ["block": "basic"]
    },
    BadCase(label: "text for the width multiplier", keyPath: "widthMultiplier",
            mentions: ["expected a number"]) { $0["widthMultiplier"] = "half" },
    BadCase(label: "negative width multiplier", keyPath: "widthMultiplier",
            mentions: ["must be a positive number, got -0.5"]) { $0["widthMultiplier"] = -0.5 },
    BadCase(label: "a stage that is a number", keyPath: "stages[1]",
            mentions: ["expected"]) {
      var stages = $0["stages"] as! [Any]
      stages[1] = 3
      $0["stages"] = stages
    },
    BadCase(label: "too many multiply-accumulates", keyPath: "stages",
            mentions: ["multiply-accumulates per image"]) {
      $0["inputSize"] = 16_000
      stage(&$0, 0, "width", 16_000)
    },
  ]

  @Test(arguments: badCases)
  func badInputNamesFileAndKeyPath(_ c: BadCase) throws {
    let error = try Self.error(try Self.edited(c.edit))
    #expect(error.file == "specs/tiny.json")
    #expect(error.keyPath == c.keyPath, "\(error)")
    for fragment in c.mentions {
      #expect(error.message.contains(fragment), "\(error) lacks \(fragment)")
    }
    #expect(error.description.hasPrefix("specs/tiny.json: \(c.keyPath): "))
    print(error)
  }

  @Test func invalidJSONNamesTheFile() throws {
    let error = try Self.error(Data("{\"stem\": ".utf8))
    #expect(error.keyPath.isEmpty)
    #expect(error.description.hasPrefix("specs/tiny.json: not valid JSON: line 1, column 10 "
                                        + "(end of file)"), "\(error)")
    let comma = try Self.error(Data("{\n  \"stem\": \"cifar\",,\n}".utf8))
    #expect(comma.description.hasPrefix("specs/tiny.json: not valid JSON: line 2, column 19"),
            "\(comma)")
    let list = try Self.error(Data("[1, 2]".utf8))
    #expect(list.description.hasPrefix("specs/tiny.json: "), "\(list)")
  }

  @Test func splitNamesAreCheckedAgainstTheBlocks() throws {
    let r32 = try #require(ResNetArchitecture.builtIn("resnet32"))
    #expect(try r32.split(named: "stage3.block1", file: "spec.json", keyPath: "split")
      == .at("stage3.block1"))
    #expect(try r32.split(named: "none", file: "spec.json", keyPath: "split") == .none)
    #expect(try r32.split(named: "stem", file: "spec.json", keyPath: "split") == .at("stem"))
    #expect(r32.legalSplits.count == 1 + 15 + 1)
    #expect(r32.legalSplitSummary
      == "stem, stage1.block1…stage1.block5, stage2.block1…stage2.block5, "
      + "stage3.block1…stage3.block5, none")
    for (bad, hint) in [("stage3.block6", "legal splits: stem, stage1.block1…"),
                        ("stage3", "did you mean stage3.block1?"),
                        ("head", "the classifier is not a split")] {
      do {
        _ = try r32.split(named: bad, file: "spec.json", keyPath: "model.split")
        Issue.record("\(bad) accepted")
      } catch {
        #expect(error.description.hasPrefix(
          "spec.json: model.split: \"\(bad)\" is not a block of resnet32"), "\(error)")
        #expect(error.message.contains(hint), "\(error)")
      }
    }
  }

  @Test func widthMultiplierRounds() {
    var a = ResNetArchitecture.cifar(depth: 20)
    a.widthMultiplier = 0.3
    #expect([a.stemChannels] + a.stages.map { a.scaled($0.width) } == [5, 5, 10, 19])
    a.widthMultiplier = 0.01
    #expect(a.stemChannels == 1)
  }
}
