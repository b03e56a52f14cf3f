import Tensor
import StrataTestSupport
import Testing
@testable import TensorReference

@Suite("Reference concat")
struct ConcatTests {
  /// Features of two branches, oldest first, as MEMO concatenates them (exact).
  @Test func concatenatesFeaturesAlongAxisOne() {
    let a = RefTensor(shape: [2, 2], data: [1, 2, 3, 4])
    let b = RefTensor(shape: [2, 1], data: [9, 8])
    #expect(Reference.concat([a, b]) == RefTensor(shape: [2, 3], data: [1, 2, 9, 3, 4, 8]))
  }

  /// Maps concatenate channels per sample (exact).
  @Test func concatenatesMapsAlongChannels() {
    let a = RefTensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 4])
    let b = RefTensor(shape: [2, 2, 1, 2], data: [5, 6, 7, 8, 9, 10, 11, 12])
    let y = Reference.concat([a, b])
    #expect(y == RefTensor(shape: [2, 3, 1, 2], data: [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]))
    #expect(Reference.concatBackward(dy: y, partShapes: [a.shape, b.shape]) == [a, b])
  }

  /// The gradient of every part against central differences, for 2 feature parts and 3 map
  /// parts; tolerance 1e-8 (the op is linear).
  @Test(arguments: [
    [[3, 2], [3, 4]],
    [[2, 1, 2, 3], [2, 3, 2, 3], [2, 2, 2, 3]],
  ])
  func backwardMatchesFiniteDifferences(shapes: [[Int]]) {
    var random = SeededRandom(seed: 0xCA7)
    let parts = shapes.map { random.tensor($0) }
    let y = Reference.concat(parts)
    let dy = random.tensor(y.shape)
    let gradients = Reference.concatBackward(dy: dy, partShapes: shapes)
    #expect(gradients.count == parts.count)
    for p in parts.indices {
      FiniteDifference.check(
        "concat d(part \(p)) of \(shapes)", analytic: gradients[p], at: parts[p], tolerance: 1e-8
      ) { part in
        var changed = parts
        changed[p] = part
        return FiniteDifference.projection(Reference.concat(changed), onto: dy)
      }
    }
  }
}
