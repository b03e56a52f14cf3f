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
/// `name` (default: the file's name) and `widthMultiplier` (default 1) may be left out, and
/// `shortcut` when no stage is residual.
///
/// A plain ConvNet (the MEMO code's `conv2`) has a conv block for a stem and stages of conv
/// blocks, each `kernel` (default 3), `padding` (default kernel / 2), `bias` (default false) and
/// `maxPool` (a k×k/k window, default none):
/// ```json
/// {
///   "name": "conv2",
///   "stem": {"kernel": 3, "stride": 1, "padding": 1, "bias": true, "maxPool": 2},
///   "stemWidth": 64,
///   "stages": [{"block": "conv", "blocks": 1, "width": 64, "stride": 1, "kernel": 3,
///               "padding": 1, "bias": true, "maxPool": 2}],
///   "inputChannels": 3, "inputSize": 32, "classes": 100
/// }
/// ```
extension ResNetArchitecture: Codable {
  static let requiredKeys = ["stem", "stemWidth", "stages", "inputChannels", "inputSize",
                             "classes"]
  static let optionalKeys = ["name", "widthMultiplier", "shortcut"]

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: SpecKey.self)
    try c.rejectUnknownKeys(allowed: Self.requiredKeys + Self.optionalKeys)
    try c.requireKeys(Self.requiredKeys)
    name = try c.decodeIfPresent(String.self, forKey: SpecKey("name")) ?? ""
    if (try? c.decode(String.self, forKey: SpecKey("stem"))) == nil,
      let layout = try? c.nestedContainer(keyedBy: SpecKey.self, forKey: SpecKey("stem"))
    {
      stem = .conv(try layout.decodeConvLayout(strideKey: "stride"))
    } else {
      stem = try c.decodeChoice(StemPreset.self, "stem", legal: [
        "cifar": "3×3 convolution, stride 1",
        "imagenet": "7×7/2 convolution, then 3×3/2 max pooling",
      ]).stem
    }
    stemWidth = try c.decodeInteger("stemWidth")
    stages = try c.decode([Stage].self, forKey: SpecKey("stages"))
    if c.contains(SpecKey("shortcut")) || stages.contains(where: \.block.isResidual) {
      shortcut = try c.decodeChoice(ShortcutKind.self, "shortcut", legal: [
        "A": "subsample and pad channels with zeros, no parameters",
        "B": "1×1 convolution + batch norm projection",
      ])
    } else {
      shortcut = .zeroPadding
    }
    widthMultiplier = try c.decodeIfPresent(Double.self, forKey: SpecKey("widthMultiplier")) ?? 1
    inputChannels = try c.decodeInteger("inputChannels")
    inputSize = try c.decodeInteger("inputSize")
    classes = try c.decodeInteger("classes")
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: SpecKey.self)
    try c.encode(name, forKey: SpecKey("name"))
    switch stem {
    case .cifar, .imagenet: try c.encode(stem.name, forKey: SpecKey("stem"))
    case .conv(let layout):
      var nested = c.nestedContainer(keyedBy: SpecKey.self, forKey: SpecKey("stem"))
      try nested.encode(layout.stride, forKey: SpecKey("stride"))
      try nested.encodeConvLayout(layout)
    }
    try c.encode(stemWidth, forKey: SpecKey("stemWidth"))
    try c.encode(stages, forKey: SpecKey("stages"))
    // A ConvNet has no shortcut; the decoder's default stands in for it.
    if hasResidualBlocks || shortcut != .zeroPadding {
      try c.encode(shortcut, forKey: SpecKey("shortcut"))
    }
    try c.encode(widthMultiplier, forKey: SpecKey("widthMultiplier"))
    try c.encode(inputChannels, forKey: SpecKey("inputChannels"))
    try c.encode(inputSize, forKey: SpecKey("inputSize"))
    try c.encode(classes, forKey: SpecKey("classes"))
  }
}

/// The named stems of the JSON form.
private enum StemPreset: String {
  case cifar, imagenet

  var stem: ResNetArchitecture.Stem { self == .cifar ? .cifar : .imagenet }
}

extension ResNetArchitecture.Stage {
  static let keys = ["block", "blocks", "width", "stride"]
  /// Conv blocks only.
  static let convKeys = ["kernel", "padding", "bias", "maxPool"]

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: SpecKey.self)
    block = try c.decodeChoice(ResNetArchitecture.BlockKind.self, "block", legal: [
      "basic": "BasicBlock, two 3×3 convolutions",
      "bottleneck": "Bottleneck, 1×1, 3×3, 1×1 convolutions, output 4 × width",
      "conv": "plain conv block: convolution, batch norm, ReLU, optional max pooling",
    ])
    try c.rejectUnknownKeys(allowed: Self.keys + (block == .conv ? Self.convKeys : []))
    try c.requireKeys(Self.keys)
    blocks = try c.decodeInteger("blocks")
    width = try c.decodeInteger("width")
    stride = try c.decodeInteger("stride")
    let layout = try c.decodeConvLayout(strideKey: nil)
    (kernel, padding, bias, maxPool) = (layout.kernel, layout.padding, layout.bias,
                                        layout.pool?.kernel)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: SpecKey.self)
    try c.encode(block, forKey: SpecKey("block"))
    try c.encode(blocks, forKey: SpecKey("blocks"))
    try c.encode(width, forKey: SpecKey("width"))
    try c.encode(stride, forKey: SpecKey("stride"))
    if block == .conv { try c.encodeConvLayout(convLayout(stride: stride)) }
  }
}

extension KeyedDecodingContainer where Key == SpecKey {
  /// A conv block's `kernel` (default 3), `padding` (default kernel / 2), `bias` (default
  /// false) and `maxPool` (default none), and the stride under `strideKey` (required when
  /// given; 1 otherwise). Only stems written as objects and conv stages have these keys.
  func decodeConvLayout(strideKey: String?) throws -> ConvBlockLayout {
    if let strideKey {
      try rejectUnknownKeys(allowed: [strideKey] + ResNetArchitecture.Stage.convKeys)
      try requireKeys(["kernel", strideKey])
    }
    let kernel = try contains(SpecKey("kernel")) ? decodeInteger("kernel") : 3
    let stride = try strideKey.map { try decodeInteger($0) } ?? 1
    let padding = try contains(SpecKey("padding")) ? decodeInteger("padding") : kernel / 2
    let bias = try decodeIfPresent(Bool.self, forKey: SpecKey("bias")) ?? false
    let pool = try contains(SpecKey("maxPool")) ? decodeInteger("maxPool") : nil
    return ConvBlockLayout(kernel: kernel, stride: stride, padding: padding, bias: bias,
                           pool: pool.map { .init(kernel: $0, stride: $0) },
                           initialization: .pytorchDefault)
  }
}

extension KeyedEncodingContainer where Key == SpecKey {
  /// `kernel`, `padding`, `bias` and `maxPool` (when pooling) of a conv block.
  mutating func encodeConvLayout(_ layout: ConvBlockLayout) throws {
    try encode(layout.kernel, forKey: SpecKey("kernel"))
    try encode(layout.padding, forKey: SpecKey("padding"))
    try encode(layout.bias, forKey: SpecKey("bias"))
    if let pool = layout.pool { try encode(pool.kernel, forKey: SpecKey("maxPool")) }
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
