import Foundation

/// The JSON form of an architecture, decoded strictly: an unknown key, a missing field, a value of
/// the wrong type or an unknown choice is an error naming its key path. Semantic checks (counts,
/// strides, shortcuts) are `validationProblems()`; `ArchitectureSpec` runs both.
///
/// ```json
/// {
///   "name": "tiny",
///   "stem": "cifar", "stemWidth": 16,
///   "stages": [
///     {"block": "basic", "blocks": 2, "width": 16, "stride": 1},
///     {"block": "basic", "blocks": 2, "width": 32, "stride": 2}
///   ],
///   "shortcut": "A", "widthMultiplier": 0.5,
///   "inputChannels": 3, "inputSize": 32, "classes": 10
/// }
/// ```
/// `name` (default: the file's name) and `widthMultiplier` (default 1) may be left out.
extension ResNetArchitecture: Codable {
  static let requiredKeys = ["stem", "stemWidth", "stages", "shortcut", "inputChannels",
                             "inputSize", "classes"]
  static let optionalKeys = ["name", "widthMultiplier"]

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: SpecKey.self)
    try c.rejectUnknownKeys(allowed: Self.requiredKeys + Self.optionalKeys)
    try c.requireKeys(Self.requiredKeys)
    name = try c.decodeIfPresent(String.self, forKey: SpecKey("name")) ?? ""
    stem = try c.decodeChoice(Stem.self, "stem", legal: [
      "cifar": "3×3 convolution, stride 1",
      "imagenet": "7×7/2 convolution, then 3×3/2 max pooling",
    ])
    stemWidth = try c.decodeInteger("stemWidth")
    stages = try c.decode([Stage].self, forKey: SpecKey("stages"))
    shortcut = try c.decodeChoice(ShortcutKind.self, "shortcut", legal: [
      "A": "subsample and pad channels with zeros, no parameters",
      "B": "1×1 convolution + batch norm projection",
    ])
    widthMultiplier = try c.decodeIfPresent(Double.self, forKey: SpecKey("widthMultiplier")) ?? 1
    inputChannels = try c.decodeInteger("inputChannels")
    inputSize = try c.decodeInteger("inputSize")
    classes = try c.decodeInteger("classes")
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: SpecKey.self)
    try c.encode(name, forKey: SpecKey("name"))
    try c.encode(stem, forKey: SpecKey("stem"))
    try c.encode(stemWidth, forKey: SpecKey("stemWidth"))
    try c.encode(stages, forKey: SpecKey("stages"))
    try c.encode(shortcut, forKey: SpecKey("shortcut"))
    try c.encode(widthMultiplier, forKey: SpecKey("widthMultiplier"))
    try c.encode(inputChannels, forKey: SpecKey("inputChannels"))
    try c.encode(inputSize, forKey: SpecKey("inputSize"))
    try c.encode(classes, forKey: SpecKey("classes"))
  }
}

extension ResNetArchitecture.Stage {
  static let keys = ["block", "blocks", "width", "stride"]

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: SpecKey.self)
    try c.rejectUnknownKeys(allowed: Self.keys)
    try c.requireKeys(Self.keys)
    block = try c.decodeChoice(ResNetArchitecture.BlockKind.self, "block", legal: [
      "basic": "BasicBlock, two 3×3 convolutions",
      "bottleneck": "Bottleneck, 1×1, 3×3, 1×1 convolutions, output 4 × width",
    ])
    blocks = try c.decodeInteger("blocks")
    width = try c.decodeInteger("width")
    stride = try c.decodeInteger("stride")
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: SpecKey.self)
    try c.encode(block, forKey: SpecKey("block"))
    try c.encode(blocks, forKey: SpecKey("blocks"))
    try c.encode(width, forKey: SpecKey("width"))
    try c.encode(stride, forKey: SpecKey("stride"))
  }
}

/// A JSON object key by name (the spec's keys are written out, so a rename is visible here).
struct SpecKey: CodingKey {
  let stringValue: String
  var intValue: Int? { nil }
  init(_ name: String) { stringValue = name }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == SpecKey {
  /// Throws for the first key (in sorted order) that is not in `allowed`, suggesting the legal
  /// key it most likely meant (`stem_width` → `stemWidth`).
  func rejectUnknownKeys(allowed: [String]) throws {
    let unknown = allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
    guard let key = unknown.first else { return }
    let fold = { (s: String) in s.lowercased().filter { $0 != "_" && $0 != "-" } }
    let hint = allowed.first { fold($0) == fold(key) }.map { "; did you mean \"\($0)\"?" }
      ?? "; legal keys here: \(allowed.joined(separator: ", "))"
    throw DecodingError.dataCorrupted(DecodingError.Context(
      codingPath: codingPath + [SpecKey(key)], debugDescription: "unknown key\(hint)"))
  }

  /// Throws for the first missing required key, in the order they are listed.
  func requireKeys(_ required: [String]) throws {
    for key in required where !contains(SpecKey(key)) {
      throw DecodingError.keyNotFound(SpecKey(key), DecodingError.Context(
        codingPath: codingPath, debugDescription: "missing"))
    }
  }

  /// An integer. Decoded as a number first: Foundation's JSONDecoder reports a fractional value
  /// for an `Int` without its key path.
  func decodeInteger(_ key: String) throws -> Int {
    let value: Double
    do {
      value = try decode(Double.self, forKey: SpecKey(key))
    } catch DecodingError.typeMismatch(_, let context) {
      throw DecodingError.typeMismatch(Int.self, context)
    }
    guard value.rounded() == value, abs(value) <= 0x1p53 else {
      throw DecodingError.dataCorrupted(DecodingError.Context(
        codingPath: codingPath + [SpecKey(key)],
        debugDescription: "expected an integer, got \(value)"))
    }
    return Int(value)
  }

  /// A string that must be one of `legal` (raw value → what it means).
  func decodeChoice<T: RawRepresentable>(_ type: T.Type, _ key: String,
                                         legal: KeyValuePairs<String, String>) throws -> T
    where T.RawValue == String
  {
    let raw = try decode(String.self, forKey: SpecKey(key))
    if let value = T(rawValue: raw) { return value }
    let choices = legal.map { "\"\($0.key)\" (\($0.value))" }.joined(separator: " or ")
    throw DecodingError.dataCorrupted(DecodingError.Context(
      codingPath: codingPath + [SpecKey(key)],
      debugDescription: "\"\(raw)\" is not one of the legal values: \(choices)"))
  }
}
