import Foundation

/// Where a JSON text stops parsing, for the errors of the spec readers. Foundation's parse errors
/// say "The data is not in the correct format." and keep the place in their debug description
/// as a character offset ("Invalid value around character 15."); this turns it into the line and
/// column an editor shows.
public enum JSONSyntax {
  /// "line 2, column 7: invalid value" for a parse error of `data`; the error's own text when
  /// it carries no position. "Unexpected end of file" is placed after the last character.
  public static func describe(_ error: any Error, in data: Data) -> String {
    var reason = debugDescription(error)
    // JSONDecoder's error has no position on Linux; JSONSerialization's parser says where.
    if reason.isEmpty {
      do { _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
        reason = debugDescription(error)
      }
    }
    let text = reason.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
    if let range = text.range(of: " around character "), let offset = Int(text[range.upperBound...]) {
      return "\(position(of: offset, in: data)): \(text[..<range.lowerBound].lowercased())"
    }
    if text.lowercased().hasPrefix("unexpected end of file") {
      return "\(position(of: data.count, in: data)) (end of file): unexpected end of the JSON text"
    }
    return text.isEmpty ? "\(error)" : text
  }

  /// 1-based line and column of byte `offset` (columns count UTF-8 bytes, as most editors'
  /// byte columns; equal to characters in ASCII text).
  static func position(of offset: Int, in data: Data) -> String {
    var line = 1, column = 1
    for byte in data.prefix(max(0, offset)) {
      if byte == 0x0A {
        line += 1
        column = 1
      } else {
        column += 1
      }
    }
    return "line \(line), column \(column)"
  }

  /// The parser's own words: `NSDebugDescription` of the error or of the decoding error's
  /// underlying error.
  private static func debugDescription(_ error: any Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error, let underlying = context.underlyingError {
      return debugDescription(underlying)
    }
    let info = (error as NSError).userInfo
    return info[NSDebugDescriptionErrorKey] as? String ?? ""
  }
}
