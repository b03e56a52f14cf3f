import Common
import Foundation

/// Backbones of one family ordered by size, the x-axis of an accuracy–memory curve (MEMO, Zhou
/// et al., ICLR 2023, §5): each later point gives DER and MEMO a larger backbone. The MEMO
/// code's families (`utils/model2exemplar.py`, `cifar_point2net` and `imagenet_point2net`) are
/// built in; a user's own is a JSON list of architecture specs, so a new architecture gets its
/// own curve.
public enum ArchitectureFamily {
  /// CIFAR: conv2, ResNet-14, -20, -26, -32.
  public static let cifar = ["conv2", "resnet14", "resnet20", "resnet26_cifar", "resnet32"]
  /// ImageNet: conv4, ResNet-10, -18, -26, -34, -50.
  public static let imagenet = ["conv4", "resnet10", "resnet18", "resnet26", "resnet34",
                                "resnet50"]

  /// The built-in architectures of `names`, in order.
  public static func builtIn(_ names: [String]) -> [ResNetArchitecture] {
    names.map { name in
      guard let architecture = ResNetArchitecture.builtIn(name) else {
        preconditionFailure("\(name) is not a built-in architecture")
      }
      return architecture
    }
  }

  /// Reads a family file: a JSON list whose items are built-in names, spec files (relative
  /// paths are read beside the family file) or specs written inline, smallest backbone first.
  public static func load(_ path: String) throws(ArchitectureSpecError) -> [ResNetArchitecture] {
    let data: Data
    do {
      data = try JSONSyntax.contents(of: path)
    } catch {
      throw ArchitectureSpecError(file: path, keyPath: "", message: "cannot read: \(error.message)")
    }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw ArchitectureSpecError(file: path, keyPath: "", message: "not valid JSON: "
                                  + JSONSyntax.describe(error, in: data))
    }
    guard let items = object as? [Any], !items.isEmpty else {
      throw ArchitectureSpecError(file: path, keyPath: "", message: "a family is a non-empty JSON "
        + "list of architectures (built-in names, spec files or specs), smallest first")
    }
    var family: [ResNetArchitecture] = []
    for (i, item) in items.enumerated() {
      let keyPath = "[\(i)]"
      if let name = item as? String {
        do {
          family.append(try ArchitectureSpec.load(resolve(name, besides: path)))
        } catch {
          throw ArchitectureSpecError(file: path, keyPath: keyPath, message: error.description)
        }
      } else if item is [String: Any] {
        let spec: Data
        do {
          spec = try JSONSerialization.data(withJSONObject: item)
        } catch {
          throw ArchitectureSpecError(file: path, keyPath: keyPath, message: "\(error)")
        }
        // Without "name", the item is named `family.json[2]`.
        family.append(try ArchitectureSpec.decode(spec, file: "\(path)\(keyPath)"))
      } else {
        throw ArchitectureSpecError(file: path, keyPath: keyPath, message:
          "expected an architecture name, a spec file or a spec object")
      }
    }
    try checkOrder(family, file: path)
    return family
  }

  /// Backbones must not shrink along the list: the curve's budgets grow with them.
  public static func checkOrder(_ family: [ResNetArchitecture], file: String)
    throws(ArchitectureSpecError)
  {
    let counts = family.map { BlockRegistry($0).backboneParameterCount }
    for i in counts.indices.dropFirst() where counts[i] < counts[i - 1] {
      throw ArchitectureSpecError(
        file: file, keyPath: "[\(i)]",
        message: "\(family[i].name) (\(counts[i]) backbone parameters) is smaller than "
          + "\(family[i - 1].name) before it (\(counts[i - 1])); list a family smallest first")
    }
  }

  /// A built-in name stays a name; a relative path is read beside `file` when something is
  /// there, else from the working directory.
  static func resolve(_ name: String, besides file: String) -> String {
    guard ResNetArchitecture.builtIn(name) == nil, !name.hasPrefix("/") else { return name }
    let beside = URL(fileURLWithPath: file).deletingLastPathComponent()
      .appendingPathComponent(name).standardized.path
    return FileManager.default.fileExists(atPath: beside) ? beside : name
  }
}
