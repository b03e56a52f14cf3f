import Foundation

extension RunSpec {
  /// Top-level keys whose values differ between two JSON objects (specs, architectures), sorted:
  /// what a refusal names when a kept file and a new request disagree.
  public static func differingKeys(_ a: Data, _ b: Data) -> [String] {
    let objects = [a, b].map { (try? JSONSerialization.jsonObject(with: $0)) as? [String: Any] ?? [:] }
    let keys = Set(objects[0].keys).union(objects[1].keys)
    // Values compared as sorted-key JSON: a nested object's description has no fixed order.
    let text = { (value: Any?) in
      value.flatMap { try? JSONSerialization.data(withJSONObject: $0,
                                                  options: [.sortedKeys, .fragmentsAllowed]) }
    }
    return keys.filter { text(objects[0][$0]) != text(objects[1][$0]) }.sorted()
  }
}
