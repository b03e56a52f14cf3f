import Tensor
import Testing
@testable import TensorReference

@Suite("RefTensor")
struct RefTensorTests {
  @Test func rowMajorIndexing() {
    var t = RefTensor(shape: [2, 3, 4], data: (0..<24).map(Double.init))
    #expect(t.count == 24 && t.rank == 3)
    #expect(t[1, 2, 3] == 23)
    #expect(t[0, 1, 0] == 4)
    #expect(t[1, 0, 0] == 12)
    t[1, 0, 2] = -1
    #expect(t.data[14] == -1)
    for offset in 0..<24 { #expect(t.offset(of: t.index(ofOffset: offset)) == offset) }
  }

  @Test func zeros() {
    let t = RefTensor(zeros: [2, 0, 3])
    #expect(t.count == 0)
    #expect(RefTensor(zeros: [2, 2]).data == [0, 0, 0, 0])
  }
}
