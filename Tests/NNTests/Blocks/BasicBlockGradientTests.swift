import DNNL
import Foundation
import Tensor
import StrataTestSupport
import Testing
@testable import NN
@testable import TensorReference

/// The engine's `BasicBlock` (oneDNN, Float32, fused ReLUs, blocked layouts) against the same
/// block composed from the Float64 reference ops with the same weights, on L = Σ dy ⊙ y for a
/// seeded dy; and the reference composition itself against central differences.
@Suite struct BasicBlockGradientTests {
  enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// 8 → 16, stride 2, option A, input in `nChw8c` as inside a network (the blocked path).
    case optionA
    /// The same on a plain `nchw` input (option A's plain fallback).
    case optionAPlainInput
    /// 8 → 8, stride 1: identity shortcut.
    case identity
    /// 8 → 16, stride 2, option B: 1×1 conv with stride + BN.
    case optionB
    /// Option A in eval mode (running statistics, fused ReLU's mask recomputed from the output).
    case optionAEval
    /// Option B in eval mode and frozen, as an old MEMO branch: dL/dx only, no gradients.
    case optionBEvalFrozen

    var testDescription: String { rawValue }

    var inChannels: Int { 8 }
    var outChannels: Int { self == .identity ? 8 : 16 }
    var stride: Int { self == .identity ? 1 : 2 }
    var kind: ShortcutKind {
      self == .optionB || self == .optionBEvalFrozen ? .projection : .zeroPadding
    }
    var eval: Bool { self == .optionAEval || self == .optionBEvalFrozen }
    var frozen: Bool { self == .optionBEvalFrozen }
    var blockedInput: Bool { self != .optionAPlainInput }
    var seed: UInt64 { 0xB10C + UInt64(Case.allCases.firstIndex(of: self)!) }
  }

  static let (batch, size) = (4, 6)

  /// One block with He-initialized convolutions and random BN γ, β, plus x and dy; in eval
  /// mode also random running statistics.
  struct Fixture {
    let block: BasicBlock
    var reference: ReferenceNetwork.Block
    let x: RefTensor
    let dy: RefTensor

    init(_ c: Case) throws {
      block = try BasicBlock(inChannels: c.inChannels, outChannels: c.outChannels,
                             stride: c.stride, shortcut: c.kind, context: NNTest.context)
      Initialization.initialize(block, seed: c.seed)
      var random = SeededRandom(seed: c.seed)
      block.randomizeBatchNorms(&random)
      reference = ReferenceNetwork.Block(prefix: "", inChannels: c.inChannels,
                                         outChannels: c.outChannels, stride: c.stride,
                                         kind: c.kind)
      if c.eval {
        block.setTraining(false)
        for (name, buffer) in block.namedBuffers() {
          let (low, high) = name.hasSuffix("running_var") ? (0.5, 1.5) : (-0.3, 0.3)
          _ = buffer.memory.floats.initialize(from: random.values(buffer.count, low, high)
            .map(Float.init))
        }
        reference.running = try NNTest.buffers(of: block)
      }
      if c.frozen { block.setTrainable(false) }
      let out = (BasicBlockGradientTests.size + c.stride - 1) / c.stride
      x = random.float32Tensor([BasicBlockGradientTests.batch, c.inChannels,
                         BasicBlockGradientTests.size, BasicBlockGradientTests.size])
      dy = random.float32Tensor([BasicBlockGradientTests.batch, c.outChannels, out, out])
    }
  }

  /// Output, dL/dx, every parameter gradient (none when frozen) and the BN running statistics
  /// (unchanged in eval mode): engine vs Float64 reference within 1e-4 (elementwise
  /// |a − b| / max(1, |b|), and ‖a − b‖/‖b‖ per tensor).
  @Test(arguments: Case.allCases)
  func engineMatchesFloat64Reference(_ c: Case) throws {
    let f = try Fixture(c)
    var input = try NNTest.tensor(f.x)
    if c.blockedInput {
      input = try input.reordered(to: input.descriptor.with(.nChw8c), context: NNTest.context)
    }
    let initialBuffers = try NNTest.buffers(of: f.block)
    let y = try f.block.forward(input, recording: true)
    let dxTensor = try f.block.backward(try NNTest.tensor(f.dy), inputGradient: true)
    let dx = try #require(dxTensor, "BasicBlock.backward returned no dL/dx")

    let p = NNTest.parameters(of: f.block)
    var records: [ReferenceNetwork.BatchNormRecord] = []
    let (yRef, tape) = f.reference.forward(f.x, p, &records)
    var grads: [String: RefTensor] = [:]
    let dxRef = f.reference.backward(f.dy, tape, p, &grads)

    var log = DiscrepancyLog("BasicBlock \(c.rawValue)")
    log.check("y", try NNTest.ref(y), yRef, tolerance: 1e-4)
    log.check("dx", try NNTest.ref(dx), dxRef, tolerance: 1e-4)
    let engineGrads = try NNTest.gradients(of: f.block)
    if c.frozen {
      #expect(engineGrads.isEmpty, "frozen parameters received gradients: \(engineGrads.keys)")
    } else {
      #expect(Set(engineGrads.keys) == Set(p.keys), "every parameter has a gradient")
    }
    #expect(Set(grads.keys) == Set(p.keys), "the reference covers every parameter")
    for (name, _) in f.block.namedParameters() {
      guard let engine = engineGrads[name], let reference = grads[name] else { continue }
      log.check("d " + name, engine, reference, tolerance: 1e-4)
    }
    // Eval mode leaves the running statistics alone (and records no batch statistics).
    let running = ReferenceNetwork.runningStatistics(initial: initialBuffers, records: records)
    #expect(!c.eval || records.isEmpty)
    let buffers = try NNTest.buffers(of: f.block)
    #expect(Set(buffers.keys) == Set(running.keys))
    for (name, expected) in running.sorted(by: { $0.key < $1.key }) {
      log.check(name, buffers[name] ?? [], expected, tolerance: 1e-5)
    }
    print(log.summary)
  }

  /// The reference composition against central differences of L = Σ dy ⊙ y in Float64: a few
  /// entries of every parameter and of x (relative error ≤ 1e-6 above 1e-3). A relu input
  /// within ~1e-6 of zero would make a difference straddle the kink; with these seeds none does.
  @Test(arguments: Case.allCases)
  func referenceBlockMatchesFiniteDifferences(_ c: Case) throws {
    let f = try Fixture(c)
    f.reference.expectMatchesFiniteDifferences(x: f.x, dy: f.dy, NNTest.parameters(of: f.block),
                                               label: "BasicBlock \(c.rawValue)")
  }
}
