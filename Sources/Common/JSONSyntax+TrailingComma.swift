import Foundation

extension JSONSyntax {
  /// "line 3, column 9: a comma before `}`" for the first comma that closes an object or array,
  /// nil when there is none. Foundation's parser on Linux accepts such a comma; JSON does not,
  /// nor does Python's `json`, which reads the spec text Strata stores in its HDF5 files.
  public static func trailingComma(in data: Data) -> String? {
    let bytes = [UInt8](data)
    var comma: Int?
    var i = 0
    while i < bytes.count {
      switch bytes[i] {
      case 0x22:  // a string: to its closing quote, past escaped characters
        i += 1
        while i < bytes.count && bytes[i] != 0x22 { i += bytes[i] == 0x5C ? 2 : 1 }
        comma = nil
      case 0x2C: comma = i
      case 0x7D, 0x5D:
        if let comma {
          return "\(position(of: comma, in: data)): a comma before `\(Character(UnicodeScalar(bytes[i])))`"
        }
      case 0x20, 0x09, 0x0A, 0x0D: break
      default: comma = nil
      }
      i += 1
    }
    return nil
  }
}
