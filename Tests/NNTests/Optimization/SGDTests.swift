import Tensor
import Testing
@testable import NN
@testable import TensorReference

/// `SGD` with fixed gradients against `Reference.sgdStep` (Float64) and closed forms:
/// `torch.optim.SGD` semantics with dampening 0 and no Nesterov.
@Suite struct SGDTests {
  static let initial: [Float] = [1, -2, 0.5, 3, -0.25, 0]
  static let gradient: [Float] = [0.5, 1, -2, 0.125, 4, -1]

  static func parameter(_ values: [Float] = initial) throws -> Parameter {
    Parameter(try Tensor(shape: [values.count], scalars: values, context: NNTest.context))
  }

  /// Replaces the parameter's gradient by a fresh tensor holding `g`.
  static func setGradient(_ p: Parameter, _ g: [Float]) throws {
    p.zeroGradient()
    try p.accumulate(try Tensor(shape: [g.count], scalars: g, context: NNTest.context),
                     context: NNTest.context)
  }

  /// Worst |a − b| / max(1, |b|).
  static func error(_ a: [Float], _ b: [Double]) -> Double {
    Discrepancy(a.map(Double.init), b).elementwise
  }

  /// A fixed gradient for 7 steps, lr 0.1, μ 0.9, no decay: the weights and the momentum buffer
  /// equal the closed form θ₇ = θ₀ − lr·g·Σ_{k=1..7} (1 − μᵏ)/(1 − μ), v₇ = g(1 − μ⁷)/(1 − μ),
  /// and Reference.sgdStep in Float64, within Float32 rounding (1e-6).
  @Test func fixedGradientGivesClosedForm() throws {
    let (lr, mu, steps) = (0.1, 0.9, 7)
    let p = try Self.parameter()
    let sgd = SGD(groups: [ParameterGroup([p], weightDecay: 0)], learningRate: Float(lr),
                  momentum: Float(mu))
    var theta = Self.initial.map(Double.init)
    var velocity: [Double]?
    for _ in 0..<steps {
      try Self.setGradient(p, Self.gradient)
      sgd.step()
      Reference.sgdStep(parameter: &theta, gradient: Self.gradient.map(Double.init),
                        velocity: &velocity, learningRate: lr, momentum: mu, weightDecay: 0)
    }
    var factor = 0.0, power = 1.0
    for _ in 1...steps {
      power *= mu
      factor += (1 - power) / (1 - mu)
    }
    let closed = zip(Self.initial, Self.gradient).map { Double($0) - lr * Double($1) * factor }
    let buffer = Self.gradient.map { Double($0) * (1 - power) / (1 - mu) }
    #expect(Self.error(p.scalars, closed) <= 1e-6, "\(p.scalars) vs closed form \(closed)")
    #expect(Self.error(p.scalars, theta) <= 1e-6, "\(p.scalars) vs reference \(theta)")
    let v = try #require(sgd.momentumBuffer(of: p))
    #expect(Self.error(v, buffer) <= 1e-6, "buffer \(v) vs \(buffer)")
    // The parameter moved by the expected amount, not merely somewhere.
    #expect(abs(Double(p.scalars[4]) - (-0.25 - 0.1 * 4 * factor)) <= 1e-5)
  }

  /// Two groups with the same values and gradients but decays 0.05 and 0.002: each follows
  /// Reference.sgdStep with its own decay for 4 steps, and the two end up where the decays say.
  @Test func weightDecayIsPerGroup() throws {
    let (lr, mu) = (0.1, 0.9)
    let decays = [0.05, 0.002]
    let a = try Self.parameter(), b = try Self.parameter()
    let sgd = SGD(groups: [ParameterGroup([a], weightDecay: Float(decays[0])),
                           ParameterGroup([b], weightDecay: Float(decays[1]))],
                  learningRate: Float(lr), momentum: Float(mu))
    var theta = [Self.initial.map(Double.init), Self.initial.map(Double.init)]
    var velocity: [[Double]?] = [nil, nil]
    for _ in 0..<4 {
      try Self.setGradient(a, Self.gradient)
      try Self.setGradient(b, Self.gradient)
      sgd.step()
      for i in 0..<2 {
        Reference.sgdStep(parameter: &theta[i], gradient: Self.gradient.map(Double.init),
                          velocity: &velocity[i], learningRate: lr, momentum: mu,
                          weightDecay: decays[i])
      }
    }
    #expect(Self.error(a.scalars, theta[0]) <= 1e-6, "group 1: \(a.scalars) vs \(theta[0])")
    #expect(Self.error(b.scalars, theta[1]) <= 1e-6, "group 2: \(b.scalars) vs \(theta[1])")
    // The decays differ enough that swapping them would be seen: θ = 3 ends ≥ 0.05 apart.
    #expect(abs(theta[0][3] - theta[1][3]) > 0.05)
  }

  /// Frozen parameters (even with a gradient) and parameters without a gradient are left
  /// alone, and get no momentum buffer; a parameter unfrozen later starts its buffer afresh.
  @Test func frozenAndGradientlessParametersAreUntouched() throws {
    let frozen = try Self.parameter(), idle = try Self.parameter(), live = try Self.parameter()
    let sgd = SGD(groups: [ParameterGroup([frozen, idle, live], weightDecay: 5e-4)],
                  learningRate: 0.1, momentum: 0.9)
    try Self.setGradient(frozen, Self.gradient)
    frozen.isTrainable = false
    for _ in 0..<3 {
      try Self.setGradient(live, Self.gradient)
      sgd.step()
    }
    #expect(frozen.scalars == Self.initial, "a frozen parameter moved")
    #expect(idle.scalars == Self.initial, "a parameter without gradient moved")
    #expect(live.scalars != Self.initial, "the trainable parameter did not move")
    #expect(sgd.momentumBuffer(of: frozen) == nil)
    #expect(sgd.momentumBuffer(of: idle) == nil)

    frozen.isTrainable = true
    sgd.step()
    // First step of `frozen`: v = g + wd·θ₀ (no trace of the three steps it sat out).
    let expected = zip(Self.gradient, Self.initial).map { Double($0) + 5e-4 * Double($1) }
    #expect(Self.error(try #require(sgd.momentumBuffer(of: frozen)), expected) <= 1e-7)
  }

  /// PyTorch creates the momentum buffer as the first (decayed) gradient, v₁ = g + wd·θ₀, and
  /// keeps the learning rate out of it: with lr changed between steps (a schedule),
  /// θ₂ = θ₁ − lr₂·(μ·v₁ + g₂ + wd·θ₁). A buffer that held lr·g, or started at zero with
  /// dampening, would end elsewhere.
  @Test func momentumBufferStartsAsFirstGradient() throws {
    let (wd, mu) = (0.01, 0.9)
    let p = try Self.parameter()
    let sgd = SGD(groups: [ParameterGroup([p], weightDecay: Float(wd))], learningRate: 0.1,
                  momentum: Float(mu))
    #expect(sgd.momentumBuffer(of: p) == nil)
    try Self.setGradient(p, Self.gradient)
    sgd.step()
    let v1 = zip(Self.gradient, Self.initial).map { Double($0) + wd * Double($1) }
    let theta1 = zip(Self.initial, v1).map { Double($0) - 0.1 * $1 }
    #expect(Self.error(try #require(sgd.momentumBuffer(of: p)), v1) <= 1e-7)
    #expect(Self.error(p.scalars, theta1) <= 1e-7)

    let g2: [Float] = [-1, 0.5, 0.25, 2, 0, 1]
    try Self.setGradient(p, g2)
    sgd.learningRate = 0.01
    sgd.step()
    let v2 = (0..<v1.count).map { mu * v1[$0] + Double(g2[$0]) + wd * theta1[$0] }
    let theta2 = (0..<v1.count).map { theta1[$0] - 0.01 * v2[$0] }
    #expect(Self.error(try #require(sgd.momentumBuffer(of: p)), v2) <= 1e-6)
    #expect(Self.error(p.scalars, theta2) <= 1e-7, "\(p.scalars) vs \(theta2)")

    // The same two steps through Reference.sgdStep agree.
    var theta = Self.initial.map(Double.init)
    var velocity: [Double]?
    Reference.sgdStep(parameter: &theta, gradient: Self.gradient.map(Double.init),
                      velocity: &velocity, learningRate: 0.1, momentum: mu, weightDecay: wd)
    Reference.sgdStep(parameter: &theta, gradient: g2.map(Double.init), velocity: &velocity,
                      learningRate: 0.01, momentum: mu, weightDecay: wd)
    #expect(Self.error(p.scalars, theta) <= 1e-7)
  }

  /// A momentum buffer restored from a checkpoint continues as if the run had not stopped.
  @Test func restoredMomentumBufferContinues() throws {
    let a = try Self.parameter(), b = try Self.parameter()
    let first = SGD(groups: [ParameterGroup([a], weightDecay: 5e-4)], learningRate: 0.1)
    for _ in 0..<2 {
      try Self.setGradient(a, Self.gradient)
      first.step()
    }
    b.load(a.scalars)
    let second = SGD(groups: [ParameterGroup([b], weightDecay: 5e-4)], learningRate: 0.1)
    second.setMomentumBuffer(try #require(first.momentumBuffer(of: a)), of: b)
    try Self.setGradient(a, Self.gradient)
    try Self.setGradient(b, Self.gradient)
    first.step()
    second.step()
    #expect(a.scalars == b.scalars)
  }

  /// A parameter that joins after another was released (a MEMO branch replaced, groups
  /// rebuilt for a new task) starts without a momentum buffer: nothing of the released
  /// parameter's state may carry over, even when the allocator reuses its address (which
  /// creating a parameter right after releasing one makes likely).
  @Test func newParametersNeverInheritMomentum() throws {
    let sgd = SGD(groups: [], learningRate: 0.1)
    var inherited = 0
    for _ in 0..<16 {
      // The new parameter's tensor exists first, so creating it allocates just the object.
      let spare = try Tensor(shape: [64], scalars: Array(repeating: 1, count: 64),
                             context: NNTest.context)
      do {
        let old = try Self.parameter()
        try Self.setGradient(old, Self.gradient)
        sgd.groups = [ParameterGroup([old], weightDecay: 0)]
        sgd.step()
        sgd.groups = []
      }
      let new = Parameter(spare)
      if sgd.momentumBuffer(of: new) != nil {
        // Stepping now would index the inherited 6-entry buffer out of range (a trap that
        // would end the whole test run), so count it and go on.
        inherited += 1
        sgd.setMomentumBuffer(Array(repeating: 0, count: 64), of: new)
        continue
      }
      try Self.setGradient(new, Array(repeating: 1, count: 64))
      sgd.groups = [ParameterGroup([new], weightDecay: 0)]
      sgd.step()  // the first step of `new`: θ = 1 − 0.1·1
      #expect(new.scalars.allSatisfy { abs($0 - 0.9) <= 1e-7 })
      sgd.groups = []
    }
    #expect(inherited == 0,
            "\(inherited) of 16 new parameters inherited a released parameter's momentum buffer")
  }
}
