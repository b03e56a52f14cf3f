import Foundation

/// The small JSON files of a sweep (status files, the Slurm settings and submission): sorted
/// keys, written whole by a rename or not at all, errors naming the file.
enum SweepJSON {
  static func write<T: Encodable>(_ value: T, to path: String, what: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
      try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw SweepError(path: path, message: "cannot write \(what): \(error)")
    }
  }

  /// The file's value; nil when there is no file.
  static func read<T: Decodable>(_ type: T.Type, from path: String, what: String) throws -> T? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch {
      throw SweepError(path: path, message: "not \(what): \(error)")
    }
  }
}
