import Dispatch
import Foundation
import StrataTestSupport
import Tensor
import Testing
@testable import NN

/// Primitives may run on several threads at once (the test suite runs tests in parallel): each
/// thread uses its own scratchpad, not oneDNN's global one, so concurrent training steps give
/// exactly the gradients a lone step gives.
@Suite struct ConcurrentExecutionTests {
  @Test func concurrentBackwardPassesEqualALoneOne() throws {
    var random = SeededRandom(seed: 0xC0C)
    let x = random.float32Tensor([4, 3, 8, 8])
    let labels: [Int32] = [0, 1, 2, 3]
    let lone = try ParameterTests.network()
    try ParameterTests.backward(lone, x, labels)
    let expected = try NNTest.gradients(of: lone)

    let threads = 4, rounds = 5
    let networks = try (0..<threads).map { _ in try ParameterTests.network() }
    nonisolated(unsafe) var failures: [String] = []
    let lock = NSLock()
    for _ in 0..<rounds {
      nonisolated(unsafe) let nets = networks
      DispatchQueue.concurrentPerform(iterations: threads) { i in
        do {
          nets[i].zeroGradients()
          try ParameterTests.backward(nets[i], x, labels)
          let got = try NNTest.gradients(of: nets[i])
          for (name, gradient) in expected where got[name]?.data != gradient.data {
            lock.withLock { failures.append("thread \(i): \(name) differs") }
          }
        } catch {
          lock.withLock { failures.append("thread \(i): \(error)") }
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }
}
