// Dimension scales (the HDF5 high-level H5DS API), which netCDF-4 readers turn into named
// dimensions. Part of the C layer: see H5.swift for the locking rule.
import CHDF5

extension H5 {
  static func setScale(_ dataset: HID, name: String, _ site: Site) throws {
    try call("H5DSset_scale", site) { H5DSset_scale(dataset, name) }
  }

  static func isScale(_ dataset: HID, _ site: Site) throws -> Bool {
    try call("H5DSis_scale", site) { H5DSis_scale(dataset) } > 0
  }

  static func attachScale(_ dataset: HID, _ scale: HID, dimension: Int, _ site: Site) throws {
    try call("H5DSattach_scale", site) { H5DSattach_scale(dataset, scale, UInt32(dimension)) }
  }

  static func isAttached(_ dataset: HID, _ scale: HID, dimension: Int, _ site: Site) throws -> Bool {
    try call("H5DSis_attached", site) { H5DSis_attached(dataset, scale, UInt32(dimension)) } > 0
  }

  /// The scale's NAME attribute; nil when it is no scale or has no name.
  static func scaleName(_ dataset: HID, _ site: Site) throws -> String? {
    try locked {
      // H5DSget_scale_name fails (without an error message) on a dataset that is no scale.
      guard try isScale(dataset, site) else { return nil }
      let length = try call("H5DSget_scale_name", site) { H5DSget_scale_name(dataset, nil, 0) }
      guard length > 0 else { return nil }
      var buffer = [CChar](repeating: 0, count: Int(length) + 1)
      try call("H5DSget_scale_name", site) { H5DSget_scale_name(dataset, &buffer, buffer.count) }
      return H5.string(buffer)
    }
  }

  private final class Paths { var paths: [String] = [] }

  /// Paths of the scales attached to one dimension, in attachment order.
  static func attachedScalePaths(_ dataset: HID, dimension: Int, _ site: Site) throws -> [String] {
    try locked {
      let count = try call("H5DSget_num_scales", site) { H5DSget_num_scales(dataset, UInt32(dimension)) }
      guard count > 0 else { return [] }
      let box = Paths()
      _ = try withExtendedLifetime(box) {
        try call("H5DSiterate_scales", site) {
          H5DSiterate_scales(dataset, UInt32(dimension), nil, { _, _, scale, data in
            guard let data else { return -1 }
            let length = H5Iget_name(scale, nil, 0)
            guard length >= 0 else { return -1 }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            guard H5Iget_name(scale, &buffer, buffer.count) >= 0 else { return -1 }
            Unmanaged<Paths>.fromOpaque(data).takeUnretainedValue().paths.append(H5.string(buffer))
            return 0
          }, Unmanaged.passUnretained(box).toOpaque())
        }
      }
      return box.paths
    }
  }
}
