/// The element types a Strata file stores. There is no boolean: netCDF readers disagree on
/// HDF5 enums, so flags are stored as 0/1 integers.
public enum HDF5ElementType: Sendable, Hashable, CustomStringConvertible {
  case float32, float64, int32, int64, uint8
  /// Variable-length UTF-8 (H5T_C_S1, H5T_VARIABLE, H5T_CSET_UTF8). Fixed-length strings written
  /// by other tools are read as well.
  case string

  /// Bytes per element in memory; nil for strings.
  var byteSize: Int? {
    switch self {
    case .float32, .int32: 4
    case .float64, .int64: 8
    case .uint8: 1
    case .string: nil
    }
  }

  public var description: String {
    switch self {
    case .float32: "32-bit float"
    case .float64: "64-bit float"
    case .int32: "32-bit signed integer"
    case .int64: "64-bit signed integer"
    case .uint8: "8-bit unsigned integer"
    case .string: "string"
    }
  }
}

/// A Swift type that can be an element of a dataset or attribute.
public protocol HDF5Element: Sendable {
  static var hdf5Type: HDF5ElementType { get }
}

/// A numeric element: its memory is exactly the native HDF5 type, so arrays are passed to HDF5
/// as they are. Files store the little-endian form whatever the machine.
public protocol HDF5Scalar: HDF5Element, BitwiseCopyable {}

extension Float: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .float32 } }
extension Double: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .float64 } }
extension Int32: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .int32 } }
extension Int64: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .int64 } }
extension UInt8: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .uint8 } }
// Int is 64-bit on every platform Swift runs Strata on; it saves callers a conversion for counts.
extension Int: HDF5Scalar { public static var hdf5Type: HDF5ElementType { .int64 } }
extension String: HDF5Element { public static var hdf5Type: HDF5ElementType { .string } }
