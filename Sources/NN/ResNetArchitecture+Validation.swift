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
    if case .conv(let layout) = stem {
      convLayoutProblems(layout, "stem", "the stem", &problems)
      atLeastOne(layout.stride, "stem.stride", "the stem's stride")
    }
    if stages.isEmpty {
      problems.append(ArchitectureProblem(keyPath: "stages",
                                          message: "needs at least one stage, got none"))
    }
    for (s, stage) in stages.enumerated() {
      atLeastOne(stage.blocks, "stages[\(s)].blocks", "stage\(s + 1)'s block count")
      atLeastOne(stage.width, "stages[\(s)].width", "stage\(s + 1)'s width")
      atLeastOne(stage.stride, "stages[\(s)].stride", "stage\(s + 1)'s stride")
      if stage.block == .conv {
        convLayoutProblems(stage.convLayout(stride: 1), "stages[\(s)]", "stage\(s + 1)",
                           &problems)
      }
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
      for plan in blockPlans where plan.kind.isResidual && plan.outChannels < plan.inChannels {
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

  /// The first convolution, pooling or stride that would shrink the feature map below 1×1 for
  /// an input of `height`×`width`: a k×k window needs a (padded) map of at least k×k, a stride
  /// s a map of at least s×s to subsample. Nil when everything fits. (Counts, strides and
  /// windows must already be positive.)
  public func shrinkingProblem(height: Int, width: Int) -> ArchitectureProblem? {
    var trace = ["input \(height)×\(width)"]
    var (h, w) = (height, width)
    // The stem's (and conv blocks') convolution, then pooling.
    func convBlock(_ layout: ConvBlockLayout, _ keyPath: String, _ what: String)
      -> ArchitectureProblem?
    {
      let k = layout.kernel
      let steps: [(String, Int, Int, Int)] = [("\(k)×\(k)/\(layout.stride) convolution", k,
                                                layout.stride, layout.padding)]
        + (layout.pool.map { [("\($0.kernel)×\($0.kernel)/\($0.stride) max pooling", $0.kernel,
                               $0.stride, $0.padding)] } ?? [])
      for (name, window, stride, padding) in steps {
        guard min(h, w) + 2 * padding >= window && min(h, w) >= stride else {
          let advice = stem == .imagenet && keyPath == "inputSize"
            ? "the imagenet stem needs inputs of at least 3×3"
            : "use larger inputs or smaller windows and strides"
          return ArchitectureProblem(
            keyPath: keyPath,
            message: "\(what)'s \(name) would shrink the \(h)×\(w) map below 1×1 "
              + "(\(trace.joined(separator: " → "))); \(advice)")
        }
        (h, w) = ((h + 2 * padding - window) / stride + 1, (w + 2 * padding - window) / stride + 1)
      }
      return nil
    }
    let stemKeyPath = if case .conv = stem { "stem" } else { "inputSize" }
    if let problem = convBlock(stem.layout, stemKeyPath, "the \(stem.name) stem") {
      return problem
    }
    trace.append("stem \(h)×\(w)")
    for (s, stage) in stages.enumerated() {
      if stage.block == .conv {
        for b in 0..<stage.blocks {
          let layout = stage.convLayout(stride: b == 0 ? stage.stride : 1)
          if let problem = convBlock(layout, "stages[\(s)]", "stage\(s + 1).block\(b + 1)") {
            return problem
          }
        }
        trace.append("stage\(s + 1) \(h)×\(w)")
        continue
      }
      guard min(h, w) >= stage.stride else {
        return ArchitectureProblem(
          keyPath: "stages[\(s)].stride",
          message: "stride \(stage.stride) would shrink stage\(s + 1)'s \(h)×\(w) input below "
            + "1×1 (\(trace.joined(separator: " → ")))")
      }
      (h, w) = ((h - 1) / stage.stride + 1, (w - 1) / stage.stride + 1)
      trace.append("stage\(s + 1) \(h)×\(w)")
    }
    return nil
  }

  /// A conv block's window sizes: kernel and pooling at least 1, padding from 0 to below the
  /// kernel (a wider padding only adds zeros).
  private func convLayoutProblems(_ layout: ConvBlockLayout, _ keyPath: String, _ what: String,
                                  _ problems: inout [ArchitectureProblem])
  {
    if layout.kernel < 1 {
      problems.append(ArchitectureProblem(
        keyPath: "\(keyPath).kernel", message: "\(what)'s kernel must be at least 1, got \(layout.kernel)"))
    } else if layout.padding < 0 || layout.padding >= layout.kernel {
      problems.append(ArchitectureProblem(
        keyPath: "\(keyPath).padding",
        message: "\(what)'s padding must be from 0 to kernel − 1 (\(layout.kernel - 1)), got \(layout.padding)"))
    }
    if let pool = layout.pool, pool.kernel < 1 {
      problems.append(ArchitectureProblem(
        keyPath: "\(keyPath).maxPool", message: "\(what)'s maxPool must be at least 1, got \(pool.kernel)"))
    }
  }

  /// Integer sizes beyond what any network here can use, or a network whose multiply-accumulate
  /// count per image would exceed 10^15: rejected before any shape arithmetic, so no count can
  /// overflow (a crafted spec with a 666,666,628-pixel input once trapped in the block
  /// registry; found by fuzzing).
  func sizeProblem() -> ArchitectureProblem? {
    var limits: [(String, Double, Double)] = [
      ("inputSize", Double(inputSize), 16_384), ("inputChannels", Double(inputChannels), 1_024),
      ("classes", Double(classes), 1_000_000), ("stemWidth", Double(stemWidth), 16_384),
      ("widthMultiplier", widthMultiplier, 64), ("stages", Double(stages.count), 64),
    ]
    for (s, stage) in stages.enumerated() {
      limits += [("stages[\(s)].blocks", Double(stage.blocks), 1_000),
       ("stages[\(s)].width", Double(stage.width), 16_384),
       ("stages[\(s)].stride", Double(stage.stride), 64),
       ("stages[\(s)].kernel", Double(stage.kernel), 31),
       ("stages[\(s)].maxPool", Double(stage.maxPool ?? 1), 64)]
    }
    limits += stemLimits
    for (keyPath, value, limit) in limits where value > limit {
      return ArchitectureProblem(keyPath: keyPath, message:
        "\(value.formatted()) is beyond the largest supported value, \(limit.formatted())")
    }
    // An upper bound of the multiply-accumulates per image, in floating point.
    var side = Double(inputSize)
    var channels = Double(inputChannels)
    let stemKernel = stem.layout.kernel
    var total = side * side * channels * Double(stemWidth) * Double(max(49, stemKernel * stemKernel))
    channels = Double(stemWidth)
    for stage in stages {
      side = (side / Double(stage.stride)).rounded(.up)
      let width = Double(stage.width) * widthMultiplier * 4
      total += Double(stage.blocks) * side * side * Double(max(9, stage.kernel * stage.kernel))
        * max(width, channels) * max(width, channels) * 3
      channels = width
    }
    guard total <= 1e15 else {
      return ArchitectureProblem(keyPath: "stages", message: String(
        format: "this network needs about %.1e multiply-accumulates per image, beyond the "
          + "10^15 Strata accepts", total))
    }
    return nil
  }

  /// A stem written as a conv block: its window sizes and stride.
  private var stemLimits: [(String, Double, Double)] {
    guard case .conv(let layout) = stem else { return [] }
    return [("stem.kernel", Double(layout.kernel), 31), ("stem.stride", Double(layout.stride), 64),
            ("stem.maxPool", Double(layout.pool?.kernel ?? 1), 64)]
  }
}
