import CIL
import Common
import Foundation
import NN
import StrataTestSupport
import Testing

/// Duplicate keys and `null` values in specs (issue 24, case 9): refused with the key and the
/// line, where they used to be accepted silently (one of two equal keys kept, null read as the
/// default). A null on a key Strata does not read is only warned about, as that key is.
@Suite struct SpecKeyStrictnessTests {
  static func runSpecError(_ text: String) -> String {
    do {
      _ = try RunSpec.decode(Data(text.utf8), file: "spec.json")
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func aDuplicateRunSpecKeyIsRefused() {
    let message = Self.runSpecError("{\"seed\": 1,\n \"epochs\": 2,\n \"seed\": 2}")
    #expect(message.contains("spec.json") && message.contains("seed")
            && message.contains("named twice (lines 1 and 3)"), "\(message)")
  }

  @Test func aNullOnAKeyStrataReadsIsRefused() {
    let message = Self.runSpecError("{\"model_name\": \"replay\",\n \"init_cls\": null}")
    #expect(message.contains("spec.json") && message.contains("init_cls")
            && message.contains("null (line 2) is not a value"), "\(message)")
  }

  @Test func aNullOnAnIgnoredKeyIsOnlyWarned() throws {
    let spec = try RunSpec.decode(Data(#"{"model_name": "replay", "t_max": null}"#.utf8), file: "s")
    #expect(spec.warnings.contains { $0.hasPrefix("t_max:") })
  }

  static func architectureError(_ text: String) -> String {
    do {
      _ = try ArchitectureSpec.decode(Data(text.utf8), file: "arch.json")
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func aDuplicateArchitectureKeyIsRefused() {
    let message = Self.architectureError(CustomArchitectureSpec.json(name: "dup")
      .replacingOccurrences(of: "\"stemWidth\"", with: "\"stemWidth\": 8, \"stemWidth\""))
    #expect(message.contains("arch.json") && message.contains("stemWidth")
            && message.contains("named twice"), "\(message)")
  }

  @Test func aNullNameInAnArchitectureIsRefused() {
    let message = Self.architectureError(CustomArchitectureSpec.json(name: "x")
      .replacingOccurrences(of: "\"name\": \"x\"", with: "\"name\": null"))
    #expect(message.contains("name") && message.contains("null (line"), "\(message)")
  }

  /// A comma before `}` or `]` is not JSON; Foundation's parser on Linux took it, and the spec
  /// text Strata stores in its files then failed in Python's `json`. Commas and brackets inside
  /// strings are text.
  @Test func aTrailingCommaIsRefusedWithItsPlace() throws {
    let message = Self.runSpecError("{\"model_name\": \"replay\",\n \"seed\": 1,\n}")
    #expect(message.contains("spec.json: not valid JSON: line 2, column 11: a comma before `}`"),
            "\(message)")
    #expect(JSONSyntax.trailingComma(in: Data(#"{"a": [1, 2,]}"#.utf8))
      == "line 1, column 12: a comma before `]`")
    #expect(JSONSyntax.trailingComma(in: Data(#"{"a": "x,}", "b": ["],", 1], "c": "\",]"}"#.utf8))
      == nil)
    let architecture = Self.architectureError(CustomArchitectureSpec.json(name: "comma")
      .replacingOccurrences(of: "\"classes\": 4", with: "\"classes\": 4,"))
    #expect(architecture.contains("arch.json") && architecture.contains("a comma before `}`"),
            "\(architecture)")
  }
}
