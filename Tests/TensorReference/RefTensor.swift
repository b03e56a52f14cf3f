/// A dense, row-major Float64 tensor for the reference implementation of the op set.
///
/// It is deliberately plain: a shape and a flat array, the last axis varying fastest (C order,
/// as numpy and PyTorch's contiguous tensors). Image tensors are NCHW. The fast engine is tested
/// against this type, so it favours obviousness over speed.
public struct RefTensor: Equatable, Sendable {
  /// The extent of each axis, outermost first.
  public var shape: [Int]
  /// The elements in row-major order; `data.count` is the product of `shape`.
  public var data: [Double]

  /// A tensor with the given shape and row-major elements.
  public init(shape: [Int], data: [Double]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "RefTensor: negative extent in shape \(shape)")
    let count = shape.reduce(1, *)
    precondition(
      data.count == count,
      "RefTensor: shape \(shape) holds \(count) elements but data has \(data.count)")
    self.shape = shape
    self.data = data
  }

  /// A tensor of zeros with the given shape.
  public init(zeros shape: [Int]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "RefTensor: negative extent in shape \(shape)")
    self.init(shape: shape, data: Array(repeating: 0, count: shape.reduce(1, *)))
  }

  /// The number of elements.
  public var count: Int { data.count }

  /// The number of axes.
  public var rank: Int { shape.count }

  /// The row-major offset of a multi-index into `data`; traps on a wrong rank or an index out of
  /// range.
  public func offset(of index: [Int]) -> Int {
    precondition(
      index.count == shape.count,
      "RefTensor: index \(index) has \(index.count) components for a rank-\(shape.count) tensor")
    var offset = 0
    for axis in 0..<shape.count {
      precondition(
        index[axis] >= 0 && index[axis] < shape[axis],
        "RefTensor: index \(index) out of range for shape \(shape)")
      offset = offset * shape[axis] + index[axis]
    }
    return offset
  }

  /// The multi-index of a row-major offset into `data` (the inverse of `offset(of:)`).
  public func index(ofOffset offset: Int) -> [Int] {
    precondition(offset >= 0 && offset < count, "RefTensor: offset \(offset) out of range \(count)")
    var index = Array(repeating: 0, count: shape.count)
    var rest = offset
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return index
  }

  /// The element at a multi-index, e.g. `x[n, c, h, w]`.
  public subscript(_ index: Int...) -> Double {
    get { data[offset(of: index)] }
    set { data[offset(of: index)] = newValue }
  }
}

extension RefTensor {
  /// The extents of an NCHW tensor; traps naming `role` if the tensor is not rank 4.
  func nchw(_ role: @autoclosure () -> String) -> NCHW {
    precondition(rank == 4, "\(role()) must be NCHW (rank 4), got shape \(shape)")
    return NCHW(n: shape[0], c: shape[1], h: shape[2], w: shape[3])
  }
}

/// The extents of a rank-4 tensor and its row-major offsets, for readable inner loops.
struct NCHW: Equatable {
  var n: Int
  var c: Int
  var h: Int
  var w: Int

  var shape: [Int] { [n, c, h, w] }

  /// The row-major offset of element (n, c, h, w); callers keep the indices in range.
  @inline(__always)
  func offset(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Int {
    ((n * self.c + c) * self.h + h) * self.w + w
  }
}
