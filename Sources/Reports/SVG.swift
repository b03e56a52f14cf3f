import Foundation

/// A minimal SVG/HTML writer: elements with escaped attributes and text, so a block name or a
/// file path can never break the markup. Charts build their pictures with it.
public struct SVG {
  private(set) var parts: [String] = []

  public init() {}

  /// `<name a="v" …>text</name>`, or self-closing without text; attributes keep their order.
  public mutating func element(_ name: String, _ attributes: KeyValuePairs<String, Any> = [:],
                               text: String? = nil)
  {
    let open = Self.open(name, attributes)
    if let text {
      parts.append("\(open)>\(Self.escape(text))</\(name)>")
    } else {
      parts.append("\(open)/>")
    }
  }

  /// An element with children written by `body`.
  public mutating func group(_ name: String, _ attributes: KeyValuePairs<String, Any> = [:],
                             body: (inout SVG) -> Void)
  {
    parts.append(Self.open(name, attributes) + ">")
    body(&self)
    parts.append("</\(name)>")
  }

  /// A hover tooltip (`<title>`), which also names the element for screen readers and tests.
  public mutating func title(_ text: String) { element("title", text: text) }

  public var markup: String { parts.joined(separator: "\n") }

  static func open(_ name: String, _ attributes: KeyValuePairs<String, Any>) -> String {
    var s = "<\(name)"
    for (key, value) in attributes {
      s += " \(key)=\"\(escape(format(value)))\""
    }
    return s
  }

  /// Numbers with at most two decimals: coordinates need no more and files stay small.
  static func format(_ value: Any) -> String {
    switch value {
    case let d as Double: return d.isFinite ? String(format: "%.2f", d) : "0"
    case let f as Float: return format(Double(f))
    default: return "\(value)"
    }
  }

  public static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
