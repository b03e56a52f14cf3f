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

  /// The bytes of the JSON file at `path`; the reason in plain words when there are none ("no
  /// such file", "a folder, not a file"), for the spec readers' "cannot read" errors.
  public static func contents(of path: String) throws(Failure) -> Data {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw Failure(keyPath: "", message: "no such file")
    }
    guard !isFolder.boolValue else { throw Failure(keyPath: "", message: "a folder, not a file") }
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw Failure(keyPath: "", message: error.localizedDescription)
    }
  }

  /// Why a JSON text did not decode: where (a key path as `describe` writes it, empty for the
  /// whole text) and what is wrong.
  public struct Failure: Error, Sendable, JSONLocated {
    public var keyPath: String
    public var message: String
  }

  /// Decodes `type` from `data`, or throws where and why not. Foundation's decoder on Linux
  /// reports a number that does not fit its field (1.5 or 1e30 for an `Int`) without a key path;
  /// the path is then found by setting one number at a time to 0 until the error goes away.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data, with decoder: JSONDecoder,
                                          keyName: (String) -> String = { $0 }) throws(Failure)
    -> T
  {
    // Only a text that parses otherwise: ",,}" is reported by the parser, at its place.
    if let comma = trailingComma(in: data),
       (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
    {
      throw Failure(keyPath: "", message: "not valid JSON: " + comma)
    }
    do {
      return try decoder.decode(type, from: data)
    } catch let error as DecodingError {
      var (keyPath, message) = describe(error, in: data, keyName: keyName)
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
         (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
      {
        let located = misfitNumber(type, in: data, with: decoder)
        keyPath = located?.keyPath ?? ""
        message = located.map { "the number \($0.value) does not fit this field (a fraction or an "
          + "out-of-range value where an integer belongs?)" }
          ?? "a value does not fit its field: \(context.debugDescription)"
      }
      throw Failure(keyPath: keyPath, message: message)
    } catch {
      throw Failure(keyPath: "", message: "\(error)")
    }
  }

  /// The first number (keys in sorted order) whose replacement by 0 lets `data` decode or fail
  /// elsewhere, with its key path as the file spells it.
  private static func misfitNumber<T: Decodable>(_ type: T.Type, in data: Data,
                                                 with decoder: JSONDecoder)
    -> (keyPath: String, value: String)?
  {
    guard let root = try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
    else { return nil }
    var paths: [[Any]] = []
    func collect(_ value: Any, _ path: [Any]) {
      if let object = value as? [String: Any] {
        for key in object.keys.sorted() { collect(object[key]!, path + [key]) }
      } else if let list = value as? [Any] {
        for (i, item) in list.enumerated() { collect(item, path + [i]) }
      } else if let number = value as? NSNumber, String(cString: number.objCType) != "c" {
        paths.append(path)
      }
    }
    collect(root, [])
    func replacing(_ value: Any, _ path: ArraySlice<Any>) -> Any {
      guard let step = path.first else { return 0 }
      if var object = value as? [String: Any], let key = step as? String {
        object[key] = replacing(object[key]!, path.dropFirst())
        return object
      }
      if var list = value as? [Any], let index = step as? Int {
        list[index] = replacing(list[index], path.dropFirst())
        return list
      }
      return value
    }
    func value(_ node: Any, _ path: ArraySlice<Any>) -> Any {
      guard let step = path.first else { return node }
      if let key = step as? String, let object = node as? [String: Any] {
        return value(object[key]!, path.dropFirst())
      }
      return value((node as! [Any])[step as! Int], path.dropFirst())
    }
    for path in paths {
      guard let edited = try? JSONSerialization.data(
        withJSONObject: replacing(root, path[...]), options: .fragmentsAllowed)
      else { continue }
      do {
        _ = try decoder.decode(type, from: edited)
      } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
        continue
      } catch {}
      let keyPath = path.reduce("") { text, step in
        if let index = step as? Int { return text + "[\(index)]" }
        return text + (text.isEmpty ? "" : ".") + "\(step)"
      }
      return (keyPath, "\(value(root, path[...]))")
    }
    return nil
  }

  /// Where a `Codable` decoding error is and what is wrong, for the spec readers: the key path as
  /// jq and JSONPath write it (`stages[2].stride`, 0-based indices; empty for the whole text)
  /// and a message (`expected an integer, found a string`, `missing (required)`). `keyName`
  /// shows a key as the file spells it (a snake_case file decoded into camelCase properties).
  public static func describe(_ error: DecodingError, in data: Data,
                              keyName: (String) -> String = { $0 })
    -> (keyPath: String, message: String)
  {
    func path(_ keys: [any CodingKey]) -> String {
      var text = ""
      for key in keys {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += (text.isEmpty ? "" : ".") + keyName(key.stringValue)
        }
      }
      return text
    }
    switch error {
    case .keyNotFound(let key, let context):
      return (path(context.codingPath + [key]), "missing (required)")
    case .typeMismatch(let type, let context):
      return (path(context.codingPath), "expected \(typeName(type))\(found(context))")
    case .valueNotFound(let type, let context):
      return (path(context.codingPath), "expected \(typeName(type)), found null")
    case .dataCorrupted(let context):
      if context.codingPath.isEmpty {
        return ("", "not valid JSON: " + describe(error as any Error, in: data))
      }
      return (path(context.codingPath), context.debugDescription)
    @unknown default:
      return ("", "\(error)")
    }
  }

  private static func typeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: "an integer"
    case is Double.Type, is Float.Type: "a number"
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    default:
      "\(type)".hasPrefix("Array") ? "a list" : "\(type)".hasPrefix("Dictionary")
        ? "an object" : "a value of type \(type)"
    }
  }

  /// ", found a string" from the decoder's "Expected to decode Int but found a string instead."
  private static func found(_ context: DecodingError.Context) -> String {
    let text = context.debugDescription
    guard let range = text.range(of: "but found ") else { return "" }
    var rest = text[range.upperBound...]
    if rest.hasSuffix(" instead.") { rest = rest.dropLast(" instead.".count) }
    return ", found \(rest)"
  }
}

/// An error at a place in a JSON document: a key path (empty for the whole document) and what
/// is wrong there.
public protocol JSONLocated {
  var keyPath: String { get }
  var message: String { get }
}

extension JSONLocated {
  /// `keyPath: message`, or the message alone for the whole document.
  public var located: String { keyPath.isEmpty ? message : keyPath + ": " + message }
}
