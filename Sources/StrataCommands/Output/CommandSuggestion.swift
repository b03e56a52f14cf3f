import ArgumentParser
import Foundation

/// "Did you mean train?" for a mistyped subcommand (`strata trian`, `strata bench engnie`),
/// which ArgumentParser reports only as an unexpected argument.
enum CommandSuggestion {
  /// The error for the first word of `arguments` that names no subcommand where one is
  /// expected, with the closest visible subcommand; nil when every word is known, or when no
  /// subcommand is close enough to guess (ArgumentParser's own error then stands).
  static func message(for arguments: [String], root: any ParsableCommand.Type) -> String? {
    var command = root
    var path = [root._commandName]
    for word in arguments {
      guard !word.hasPrefix("-"), word != "help" else { return nil }
      let subcommands = command.configuration.subcommands
      guard !subcommands.isEmpty else { return nil }
      if let next = subcommands.first(where: {
        $0._commandName == word || $0.configuration.aliases.contains(word)
      }) {
        command = next
        path.append(word)
        continue
      }
      let names = subcommands.filter { $0.configuration.shouldDisplay }.map { $0._commandName }
      guard let guess = closest(to: word, among: names) else { return nil }
      let parent = path.joined(separator: " ")
      return "Error: unknown command '\(word)' for '\(parent)'. Did you mean '\(guess)'?\n"
        + "See '\(parent) --help' for the commands."
    }
    return nil
  }

  /// The name within two edits (a swap of neighbours counts as one), or the only name that
  /// starts with `word`; ties go to the first in the command list.
  static func closest(to word: String, among names: [String]) -> String? {
    let scored = names.map { ($0, distance(word, $0)) }
    if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= min(2, max(1, word.count / 2)) {
      return best.0
    }
    let prefixed = names.filter { word.count >= 2 && $0.hasPrefix(word) }
    return prefixed.count == 1 ? prefixed[0] : nil
  }

  /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
  /// adjacent characters.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}

extension Strata {
  /// Stops with a suggestion when the command line starts with a mistyped subcommand; call
  /// before `main()`.
  public static func suggestMistypedCommand(
    _ arguments: [String] = Array(CommandLine.arguments.dropFirst()))
  {
    guard let message = CommandSuggestion.message(for: arguments, root: Strata.self) else { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(64)  // EX_USAGE, as ArgumentParser's usage errors
  }
}
