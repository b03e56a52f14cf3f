import DNNL
import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// The engine's `Bottleneck` (oneDNN, Float32, fused ReLUs, blocked layouts) against the same
/// block composed from the Float64 reference ops with the same weights, on L = Σ dy ⊙ y for a
/// seeded dy; and the reference composition itself against central differences.
@Suite struct BottleneckGradientTests {
  enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// 8 → width 4 → 16, stride 2, option B (the first block of a ResNet-50 stage).
    case projection
    /// 16 → width 4 → 16, stride 1: identity shortcut.
    case identity
    /// 8 → width 4 → 16, stride 2, option A (not in the built-ins, legal in a spec).
    case zeroPadding
    /// Option B in eval mode and frozen, as an old MEMO branch: dL/dx only, no gradients.
    case projectionEvalFrozen

    var testDescription: String { rawValue }

    var inChannels: Int { self == .identity ? 16 : 8 }
    var width: Int { 4 }
    var stride: Int { self == .identity ? 1 : 2 }
    var kind: ShortcutKind { self == .zeroPadding ? .zeroPadding : .projection }
    var eval: Bool { self == .projectionEvalFrozen }
    var seed: UInt64 { 0xB077 + UInt64(Case.allCases.firstIndex(of: self)!) }
  }

  static let (batch, size) = (3, 6)

  struct Fixture {
    let block: Bottleneck
    var reference: ReferenceNetwork.Bottleneck
    let x: RefTensor
    let dy: RefTensor

    init(_ c: Case) throws {
      block = try Bottleneck(inChannels: c.inChannels, width: c.width, stride: c.stride,
                             shortcut: c.kind, context: NNTest.context)
      Initialization.initialize(block, seed: c.seed)
      var random = SeededRandom(seed: c.seed)
      block.randomizeBatchNorms(&random)
      reference = ReferenceNetwork.Bottleneck(prefix: "", inChannels: c.inChannels,
                                              width: c.width, stride: c.stride, kind: c.kind)
      if c.eval {
        block.setTraining(false)
        for (name, buffer) in block.namedBuffers() {
          let (low, high) = name.hasSuffix("running_var") ? (0.5, 1.5) : (-0.3, 0.3)
          _ = buffer.memory.floats.initialize(from: random.values(buffer.count, low, high)
            .map(Float.init))
        }
        reference.running = try NNTest.buffers(of: block)
        block.setTrainable(false)
      }
      let out = (BottleneckGradientTests.size + c.stride - 1) / c.stride
      x = random.float32Tensor([BottleneckGradientTests.batch, c.inChannels,
                         BottleneckGradientTests.size, BottleneckGradientTests.size])
      dy = random.float32Tensor([BottleneckGradientTests.batch, 4 * c.width, out, out])
    }
  }

  /// Output, dL/dx, every parameter gradient (none when frozen) and the running statistics:
  /// engine vs Float64 reference within 1e-4 (elementwise relative to max(1, |b|), and
  /// ‖a − b‖/‖b‖ per tensor); running statistics within 1e-5.
  @Test(arguments: Case.allCases)
  func engineMatchesFloat64Reference(_ c: Case) throws {
    let f = try Fixture(c)
    var input = try NNTest.tensor(f.x)
    input = try input.reordered(to: input.descriptor.with(.nChw8c), context: NNTest.context)
    let initialBuffers = try NNTest.buffers(of: f.block)
    let y = try f.block.forward(input, recording: true)
    let dx = try #require(try f.block.backward(try NNTest.tensor(f.dy), inputGradient: true),
                          "Bottleneck.backward returned no dL/dx")

    let p = NNTest.parameters(of: f.block)
    var records: [ReferenceNetwork.BatchNormRecord] = []
    let (yRef, tape) = f.reference.forward(f.x, p, &records)
    var grads: [String: RefTensor] = [:]
    let dxRef = f.reference.backward(f.dy, tape, p, &grads)

    var log = DiscrepancyLog("Bottleneck \(c.rawValue)")
    log.check("y", try NNTest.ref(y), yRef, tolerance: 1e-4)
    log.check("dx", try NNTest.ref(dx), dxRef, tolerance: 1e-4)
    let engineGrads = try NNTest.gradients(of: f.block)
    if c.eval {
      #expect(engineGrads.isEmpty, "frozen parameters received gradients: \(engineGrads.keys)")
    } else {
      #expect(Set(engineGrads.keys) == Set(p.keys), "every parameter has a gradient")
    }
    #expect(Set(grads.keys) == Set(p.keys), "the reference covers every parameter")
    let expectedNames = ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight",
                         "bn2.bias", "conv3.weight", "bn3.weight", "bn3.bias"]
      + (c.kind == .projection && c != .identity ? ["shortcut.conv.weight", "shortcut.bn.weight",
                                  "shortcut.bn.bias"] : [])
    #expect(f.block.namedParameters().map(\.name) == expectedNames)
    for (name, _) in f.block.namedParameters() {
      guard let engine = engineGrads[name], let reference = grads[name] else { continue }
      log.check("d " + name, engine, reference, tolerance: 1e-4)
    }
    let running = ReferenceNetwork.runningStatistics(initial: initialBuffers, records: records)
    #expect(!c.eval || records.isEmpty)
    let buffers = try NNTest.buffers(of: f.block)
    #expect(Set(buffers.keys) == Set(running.keys))
    for (name, expected) in running.sorted(by: { $0.key < $1.key }) {
      log.check(name, buffers[name] ?? [], expected, tolerance: 1e-5)
    }
    print(log.summary)
  }

  /// The reference composition against central differences of L = Σ dy ⊙ y in Float64: three
  /// entries of every parameter and of x (relative error ≤ 1e-6 above 1e-3).
  @Test(arguments: [Case.projection, .zeroPadding])
  func referenceBlockMatchesFiniteDifferences(_ c: Case) throws {
    let f = try Fixture(c)
    f.reference.expectMatchesFiniteDifferences(x: f.x, dy: f.dy, NNTest.parameters(of: f.block),
                                               label: "Bottleneck \(c.rawValue)")
  }
}
