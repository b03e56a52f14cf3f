import Foundation

/// Pillow's resampling (libImaging/Resample.c), bilinear filter, as torchvision's `Resize` and
/// `RandomResizedCrop` run it on PIL images: a separable two-pass resize, horizontal first, whose
/// filter support widens with the downscale factor (antialiasing); weights are normalized per
/// output pixel and converted to 22-bit fixed point, each pass rounds to 8 bits.
extension Augmentation {
  /// Per-output-pixel filter taps along one axis.
  struct ResampleAxis {
    var kernelSize: Int
    var first: [Int]  // first input index of each output pixel's taps
    var count: [Int]  // number of taps
    var weights: [Int]  // fixed point, kernelSize per output pixel

    static let precisionBits = 32 - 8 - 2

    /// `precompute_coeffs` + `normalize_coeffs_8bpc` for the box (0, inSize) → outSize.
    init(inSize: Int, outSize: Int) {
      let scale = Double(inSize) / Double(outSize)
      let filterScale = max(scale, 1)
      let support = 1.0 * filterScale  // bilinear support is 1
      kernelSize = Int(support.rounded(.up)) * 2 + 1
      first = [Int](repeating: 0, count: outSize)
      count = [Int](repeating: 0, count: outSize)
      weights = [Int](repeating: 0, count: outSize * kernelSize)
      var taps = [Double](repeating: 0, count: kernelSize)
      for xx in 0..<outSize {
        let center = (Double(xx) + 0.5) * scale
        let inverse = 1.0 / filterScale
        // C's (int) truncates toward zero.
        let xmin = max(Int(center - support + 0.5), 0)
        let xmax = min(Int(center + support + 0.5), inSize) - xmin
        var total = 0.0
        for x in 0..<xmax {
          let t = abs((Double(x + xmin) - center + 0.5) * inverse)
          let w = t < 1 ? 1 - t : 0
          taps[x] = w
          total += w
        }
        for x in 0..<xmax {
          let k = total != 0 ? taps[x] / total : taps[x]
          let scaled = k * Double(1 << Self.precisionBits)
          weights[xx * kernelSize + x] = Int(k < 0 ? scaled - 0.5 : scaled + 0.5)
        }
        first[xx] = xmin
        count[xx] = max(xmax, 0)
      }
    }

    @inline(__always)
    static func clip8(_ value: Int) -> UInt8 {
      if value >= (1 << precisionBits) << 8 { return 255 }
      if value <= 0 { return 0 }
      return UInt8(value >> precisionBits)
    }
  }

  /// The parameters' source window resized to (resizedHeight, resizedWidth), returning only the
  /// output window (out.height × out.width at outputTop/outputLeft; zero outside the resized
  /// image) as planar bytes. Each output pixel depends only on its own taps, so computing just
  /// the needed rows and columns gives Pillow's values for them exactly.
  static func resample(_ pixels: ImagePixels, parameters p: Parameters, out: ImageShape)
    -> [UInt8]
  {
    let window = pixels.cropped(top: p.top, left: p.left, height: p.height, width: p.width)
    let channels = out.channels, oh = out.height, ow = out.width
    var result = [UInt8](repeating: 0, count: out.elementCount)
    // Output rows/columns that fall inside the resized image.
    let rows = max(p.outputTop, 0)..<min(p.outputTop + oh, p.resizedHeight)
    let cols = max(p.outputLeft, 0)..<min(p.outputLeft + ow, p.resizedWidth)
    if rows.isEmpty || cols.isEmpty { return result }

    let needHorizontal = p.resizedWidth != p.width
    let needVertical = p.resizedHeight != p.height
    let horizontal = needHorizontal ? ResampleAxis(inSize: p.width, outSize: p.resizedWidth) : nil
    let vertical = needVertical ? ResampleAxis(inSize: p.height, outSize: p.resizedHeight) : nil

    // Source rows the vertical pass reads.
    let sourceRows: Range<Int>
    if let vertical {
      let lo = vertical.first[rows.lowerBound]
      let hi = (rows).map { vertical.first[$0] + vertical.count[$0] }.max()!
      sourceRows = lo..<hi
    } else {
      sourceRows = rows
    }

    // Horizontal pass: sourceRows × cols, planar.
    let tempWidth = cols.count, tempHeight = sourceRows.count
    var temp = [UInt8](repeating: 0, count: channels * tempHeight * tempWidth)
    let half = 1 << (ResampleAxis.precisionBits - 1)
    for c in 0..<channels {
      for (r, sy) in sourceRows.enumerated() {
        let base = (c * tempHeight + r) * tempWidth
        for (i, x) in cols.enumerated() {
          if let horizontal {
            var sum = half
            let k0 = x * horizontal.kernelSize
            let x0 = horizontal.first[x]
            for t in 0..<horizontal.count[x] {
              sum += Int(window[c, sy, x0 + t]) * horizontal.weights[k0 + t]
            }
            temp[base + i] = ResampleAxis.clip8(sum)
          } else {
            temp[base + i] = window[c, sy, x]
          }
        }
      }
    }

    // Vertical pass into the output window.
    for c in 0..<channels {
      for y in rows {
        let outRow = (c * oh + (y - p.outputTop)) * ow
        for (i, x) in cols.enumerated() {
          let value: UInt8
          if let vertical {
            var sum = half
            let k0 = y * vertical.kernelSize
            let y0 = vertical.first[y]
            for t in 0..<vertical.count[y] {
              let r = y0 + t - sourceRows.lowerBound
              sum += Int(temp[(c * tempHeight + r) * tempWidth + i]) * vertical.weights[k0 + t]
            }
            value = ResampleAxis.clip8(sum)
          } else {
            value = temp[(c * tempHeight + (y - sourceRows.lowerBound)) * tempWidth + i]
          }
          result[outRow + (x - p.outputLeft)] = value
        }
      }
    }
    return result
  }
}
