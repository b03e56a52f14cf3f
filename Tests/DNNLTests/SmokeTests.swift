import Testing
@testable import DNNL

@Suite struct SmokeTests {
  @Test func runsOneDNNMajorVersion2() {
    let version = LibraryVersion.current
    #expect(version.major == 2, "Strata targets the oneDNN 2.x C API, found \(version)")
  }

  /// One small convolution through the whole wrapper (descriptors with `any`, reorders in and
  /// out, execution) against a direct seven-loop convolution.
  @Test(arguments: [(stride: 1, padding: 1), (stride: 2, padding: 0), (stride: 2, padding: 1)])
  func convolutionForwardMatchesNaiveLoop(stride: Int, padding: Int) throws {
    let (n, c, h, w, o, k) = (2, 3, 7, 6, 8, 3)
    let oh = (h + 2 * padding - k) / stride + 1, ow = (w + 2 * padding - k) / stride + 1
    let x = (0..<(n * c * h * w)).map { Float(($0 * 37) % 23) / 23 - 0.5 }
    let weights = (0..<(o * c * k * k)).map { Float(($0 * 11) % 17) / 17 - 0.5 }

    let engine = try Engine()
    let stream = try Stream(engine: engine)
    let srcPlain = try MemoryDescriptor([n, c, h, w], .f32, .nchw)
    let weightsPlain = try MemoryDescriptor([o, c, k, k], .f32, .oihw)
    let dstPlain = try MemoryDescriptor([n, o, oh, ow], .f32, .nchw)
    let conv = try PrimitiveDescriptor.convolutionForward(
      .forwardInference, src: srcPlain.with(.any), weights: weightsPlain.with(.any),
      dst: dstPlain.with(.any), geometry: Geometry2D(kernel: k, stride: stride, padding: padding),
      engine: engine)

    func load(_ values: [Float], _ plain: MemoryDescriptor, as argument: Argument) throws -> Memory {
      let user = try Memory(plain, engine: engine)
      _ = user.floats.initialize(from: values)
      let wanted = conv.descriptor(for: argument)
      if wanted == plain { return user }
      let converted = try Memory(wanted, engine: engine)
      try Primitive(.reorder(from: plain, to: wanted, engine: engine))
        .execute(stream, [(.src, user), (.dst, converted)])
      return converted
    }
    let src = try load(x, srcPlain, as: .src)
    let weightMemory = try load(weights, weightsPlain, as: .weights)
    let dst = try Memory(conv.descriptor(for: .dst), engine: engine)
    try Primitive(conv).execute(stream, [(.src, src), (.weights, weightMemory), (.dst, dst)])
    let out = try Memory(dstPlain, engine: engine)
    try Primitive(.reorder(from: dst.descriptor, to: dstPlain, engine: engine))
      .execute(stream, [(.src, dst), (.dst, out)])
    try stream.wait()

    var worst: Float = 0
    for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
      var sum: Float = 0
      for ic in 0..<c { for ky in 0..<k { for kx in 0..<k {
        let iy = y * stride - padding + ky, ix = xx * stride - padding + kx
        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
        sum += x[((b * c + ic) * h + iy) * w + ix] * weights[((oc * c + ic) * k + ky) * k + kx]
      } } }
      worst = max(worst, abs(out.floats[((b * o + oc) * oh + y) * ow + xx] - sum))
    } } } }
    #expect(worst < 1e-5, "max |oneDNN − naive| = \(worst), implementation \(conv.implementation)")
  }

  @Test func invalidDescriptorThrowsNamingTheCall() {
    // A 4-D source with 5-D weights is not a convolution oneDNN can describe.
    #expect {
      let engine = try Engine()
      _ = try PrimitiveDescriptor.convolutionForward(
        .forwardInference, src: MemoryDescriptor([1, 3, 8, 8], .f32, .any),
        weights: MemoryDescriptor([4, 5, 3, 3], .f32, .any),
        dst: MemoryDescriptor([1, 4, 8, 8], .f32, .any),
        geometry: Geometry2D(kernel: 3, stride: 1, padding: 1), engine: engine)
    } throws: { error in
      let message = "\(error)"
      return message.contains("dnnl_convolution_forward_desc_init")
        && message.contains("invalid_arguments")
    }
  }
}
