import Foundation

extension JSONSyntax {
  /// A key an object names twice, and `null` values, of a JSON text that already parsed.
  /// Foundation's parsers keep one of two equal keys without a word, so `{"seed": 1, …,
  /// "seed": 2}` trains with one of them; a spec with either is refused (issue 24).
  public struct KeyProblem: Equatable, Sendable {
    /// Where, as the spec errors write it: `seed`, `stages[1].width`.
    public var keyPath: String
    /// 1-based line of the second occurrence (or of the null).
    public var line: Int
    /// For a duplicate, the line of the first occurrence; nil for a null.
    public var firstLine: Int?
  }

  /// The first duplicate key of `data`, in text order.
  public static func duplicateKey(in data: Data) -> KeyProblem? {
    scan(data).first { $0.firstLine != nil }
  }

  /// Every `null` value of `data`, in text order.
  public static func nulls(in data: Data) -> [KeyProblem] {
    scan(data).filter { $0.firstLine == nil }
  }

  private struct Frame {
    var isObject: Bool
    var keys: [String: Int] = [:]  // key → line
    var expectKey = true
    var key: String? = nil
    var index = 0
  }

  /// One pass over the tokens of a valid JSON text: containers, strings and `null`.
  private static func scan(_ data: Data) -> [KeyProblem] {
    let bytes = [UInt8](data)
    var stack: [Frame] = []
    var problems: [KeyProblem] = []
    var line = 1
    var i = 0
    func path(_ frames: [Frame]) -> String {
      var text = ""
      for frame in frames {
        if frame.isObject, let key = frame.key {
          text += text.isEmpty ? key : "." + key
        } else if !frame.isObject {
          text += "[\(frame.index)]"
        }
      }
      return text
    }
    while i < bytes.count {
      let byte = bytes[i]
      switch byte {
      case 0x0A: line += 1
      case 0x7B: stack.append(Frame(isObject: true))  // {
      case 0x5B: stack.append(Frame(isObject: false))  // [
      case 0x7D, 0x5D: if !stack.isEmpty { stack.removeLast() }  // } ]
      case 0x2C:  // ,
        if stack.last?.isObject == true { stack[stack.count - 1].expectKey = true }
        else if !stack.isEmpty { stack[stack.count - 1].index += 1 }
      case 0x3A: if !stack.isEmpty { stack[stack.count - 1].expectKey = false }  // :
      case 0x6E where bytes[i...].starts(with: Array("null".utf8)):
        problems.append(KeyProblem(keyPath: path(stack), line: line, firstLine: nil))
        i += 3
      case 0x22:  // a string: to its closing quote, past escaped characters
        var end = i + 1
        while end < bytes.count && bytes[end] != 0x22 { end += bytes[end] == 0x5C ? 2 : 1 }
        if var frame = stack.last, frame.isObject, frame.expectKey {
          let literal = Data(bytes[i...min(end, bytes.count - 1)])
          let key = (try? JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed))
            as? String ?? String(decoding: literal.dropFirst().dropLast(), as: UTF8.self)
          frame.key = key
          if let first = frame.keys[key] {
            problems.append(KeyProblem(keyPath: path(Array(stack.dropLast()) + [frame]), line: line,
                                       firstLine: first))
          } else {
            frame.keys[key] = line
          }
          stack[stack.count - 1] = frame
        }
        i = end
      default: break
      }
      i += 1
    }
    return problems
  }
}
