/// The semantic checks of an architecture, each naming the key path to fix.
extension ResNetArchitecture {
  /// Every problem, in the order of the spec's keys; empty for a buildable architecture.
  public func validationProblems() -> [ArchitectureProblem] {
    var problems: [ArchitectureProblem] = []
    func atLeastOne(_ value: Int, _ keyPath: String, _ what: String) {
      if value < 1 {
        problems.append(ArchitectureProblem(
          keyPath: keyPath, message: "\(what) must be at least 1, got \(value)"))
      }
    }
    atLeastOne(stemWidth, "stemWidth", "the stem width")
    if stages.isEmpty {
      problems.append(ArchitectureProblem(keyPath: "stages",
                                          message: "needs at least one stage, got none"))
    }
    for (s, stage) in stages.enumerated() {
      atLeastOne(stage.blocks, "stages[\(s)].blocks", "stage\(s + 1)'s block count")
      atLeastOne(stage.width, "stages[\(s)].width", "stage\(s + 1)'s width")
      atLeastOne(stage.stride, "stages[\(s)].stride", "stage\(s + 1)'s stride")
    }
    if !(widthMultiplier > 0 && widthMultiplier.isFinite) {
      problems.append(ArchitectureProblem(
        keyPath: "widthMultiplier", message: "must be a positive number, got \(widthMultiplier)"))
    }
    atLeastOne(inputChannels, "inputChannels", "the number of input channels")
    atLeastOne(inputSize, "inputSize", "the input size")
    atLeastOne(classes, "classes", "the number of classes")
    guard problems.isEmpty else { return problems }
    if let problem = sizeProblem() { return [problem] }

    // Option A pads channels with zeros: it cannot make a block narrower than its input.
    if shortcut == .zeroPadding {
      for plan in blockPlans where plan.outChannels < plan.inChannels {
        problems.append(ArchitectureProblem(
          keyPath: "stages[\(plan.stage - 1)].width",
          message: "shortcut \"A\" pads channels with zeros, so \(plan.name) cannot have fewer "
            + "output channels (\(plan.outChannels)) than input channels (\(plan.inChannels)); "
            + "use \"shortcut\": \"B\" (projection) or a wider stage"))
        break
      }
    }
    if let problem = shrinkingProblem(height: inputSize, width: inputSize) {
      problems.append(problem)
    }
    return problems
  }

  /// The first stride that would shrink the feature map below 1×1 for an input of
  /// `height`×`width`: a stride s needs a map of at least s×s to subsample. Nil when every
  /// stride fits. (Counts and strides must already be positive.)
  public func shrinkingProblem(height: Int, width: Int) -> ArchitectureProblem? {
    var trace = ["input \(height)×\(width)"]
    var (h, w) = (height, width)
    func step(_ stride: Int) { (h, w) = ((h - 1) / stride + 1, (w - 1) / stride + 1) }
    if stem == .imagenet {
      for (what, size) in [("7×7/2 convolution", 2), ("3×3/2 max pooling", 2)] {
        guard min(h, w) >= size else {
          return ArchitectureProblem(
            keyPath: "inputSize",
            message: "the imagenet stem's \(what) would shrink the \(h)×\(w) map below 1×1 "
              + "(\(trace.joined(separator: " → "))); the imagenet stem needs inputs of at "
              + "least 3×3")
        }
        step(size)
      }
    }
    trace.append("stem \(h)×\(w)")
    for (s, stage) in stages.enumerated() {
      guard min(h, w) >= stage.stride else {
        return ArchitectureProblem(
          keyPath: "stages[\(s)].stride",
          message: "stride \(stage.stride) would shrink stage\(s + 1)'s \(h)×\(w) input below "
            + "1×1 (\(trace.joined(separator: " → ")))")
      }
      step(stage.stride)
      trace.append("stage\(s + 1) \(h)×\(w)")
    }
    return nil
  }

  /// Integer sizes beyond what any network here can use, or a network whose multiply-accumulate
  /// count per image would exceed 10^15: rejected before any shape arithmetic, so no count can
  /// overflow (a crafted spec with a 666,666,628-pixel input once trapped in the block
  /// registry; found by fuzzing).
  func sizeProblem() -> ArchitectureProblem? {
    let limits: [(String, Double, Double)] = [
      ("inputSize", Double(inputSize), 16_384), ("inputChannels", Double(inputChannels), 1_024),
      ("classes", Double(classes), 1_000_000), ("stemWidth", Double(stemWidth), 16_384),
      ("widthMultiplier", widthMultiplier, 64), ("stages", Double(stages.count), 64),
    ] + stages.enumerated().flatMap { s, stage in
      [("stages[\(s)].blocks", Double(stage.blocks), 1_000),
       ("stages[\(s)].width", Double(stage.width), 16_384),
       ("stages[\(s)].stride", Double(stage.stride), 64)]
    }
    for (keyPath, value, limit) in limits where value > limit {
      return ArchitectureProblem(keyPath: keyPath, message:
        "\(value.formatted()) is beyond the largest supported value, \(limit.formatted())")
    }
    // An upper bound of the multiply-accumulates per image, in floating point.
    var side = Double(inputSize)
    var channels = Double(inputChannels)
    var total = side * side * channels * Double(stemWidth) * 49
    channels = Double(stemWidth)
    for stage in stages {
      side = (side / Double(stage.stride)).rounded(.up)
      let width = Double(stage.width) * widthMultiplier * 4
      total += Double(stage.blocks) * side * side * 9 * max(width, channels) * max(width, channels) * 3
      channels = width
    }
    guard total <= 1e15 else {
      return ArchitectureProblem(keyPath: "stages", message: String(
        format: "this network needs about %.1e multiply-accumulates per image, beyond the "
          + "10^15 Strata accepts", total))
    }
    return nil
  }
}
