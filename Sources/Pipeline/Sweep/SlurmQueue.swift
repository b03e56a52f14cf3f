import Foundation

/// Slurm's answers as Strata reads them: `sbatch --parsable`, `squeue --array` lines in
/// `squeueFormat`, `scontrol --oneliner show job` records, and job array index lists. Parsing
/// only; `SlurmClient` runs the commands.
enum SlurmQueue {
  /// One `squeue --array` line: an array task (`arrayTask` set) or a plain job.
  struct Entry: Equatable, Sendable {
    var jobID: String
    var arrayTask: Int?
    var state: String
    var reason: String
  }

  /// One job or array task as `scontrol show job` describes it.
  struct JobRecord: Equatable, Sendable {
    var jobID: String
    var arrayJobID: String?
    /// The array indices the record stands for (pending tasks are listed together).
    var arrayTasks: [Int]?
    var state: String
    var reason: String
    /// `ExitCode=3:0`: the batch script's exit status and the signal that ended it.
    var exitCode: Int32
    var signal: Int32
    var standardOutput: String?
  }

  /// Array job id, array index (`N/A` for a plain job), state, reason.
  static let squeueFormat = "%F|%K|%T|%r"

  /// States after which a job does nothing more (squeue may still list them for a while).
  static let finalStates: Set<String> = [
    "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL",
    "DEADLINE", "PREEMPTED", "REVOKED", "SPECIAL_EXIT",
  ]

  static func isFinal(_ state: String) -> Bool {
    // scontrol writes "CANCELLED by 0" in some versions; the first word is the state.
    finalStates.contains(String(state.split(separator: " ").first ?? ""))
  }

  /// The job id from `sbatch --parsable` (`12` or `12;cluster`).
  static func submittedJob(_ text: String) -> String? {
    let line = text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    let id = line.split(separator: ";").first.map(String.init)?
      .trimmingCharacters(in: .whitespaces) ?? ""
    return !id.isEmpty && id.allSatisfy(\.isNumber) ? id : nil
  }

  /// Lines of `squeue --noheader --array --format=squeueFormat`; throws on a line it cannot read.
  static func entries(_ text: String) throws -> [Entry] {
    try text.split(whereSeparator: \.isNewline).compactMap { line in
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
      guard fields.count == 4, !fields[0].isEmpty else {
        throw SweepError(path: "squeue", message: "unreadable line \"\(line)\" (format \(squeueFormat))")
      }
      let task = fields[1] == "N/A" ? nil : Int(fields[1])
      if fields[1] != "N/A" && task == nil {
        throw SweepError(path: "squeue", message: "unreadable array index in \"\(line)\"")
      }
      return Entry(jobID: fields[0], arrayTask: task, state: fields[2], reason: fields[3])
    }
  }

  /// Records of `scontrol --oneliner show job`: one line each, `Key=Value` separated by
  /// spaces, where a value may itself hold spaces (`Reason=…`, `Command=…`): a word without
  /// `=` continues the value before it.
  static func records(_ text: String) -> [JobRecord] {
    text.split(whereSeparator: \.isNewline).compactMap { line in
      var fields: [String: String] = [:]
      var last: String?
      for word in line.split(separator: " ") {
        if let equals = word.firstIndex(of: "="), equals != word.startIndex {
          let key = String(word[..<equals])
          fields[key] = String(word[word.index(after: equals)...])
          last = key
        } else if let key = last {
          fields[key, default: ""] += " " + word
        }
      }
      guard let id = fields["JobId"], let state = fields["JobState"] else { return nil }
      let exit = (fields["ExitCode"] ?? "0:0").split(separator: ":").map { Int32($0) ?? 0 }
      return JobRecord(
        jobID: id, arrayJobID: fields["ArrayJobId"],
        arrayTasks: fields["ArrayTaskId"].flatMap(indices), state: state,
        reason: fields["Reason"] ?? "", exitCode: exit.first ?? 0,
        signal: exit.count > 1 ? exit[1] : 0, standardOutput: fields["StdOut"])
    }
  }

  /// The indices of an array specification, `0,2-4` or `0-7:2%3` (step and limit allowed).
  static func indices(_ text: String) -> [Int]? {
    let body = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ""
    var result: [Int] = []
    for part in body.split(separator: ",") {
      let stepParts = part.split(separator: ":")
      let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
      let bounds = stepParts[0].split(separator: "-").map { Int($0) }
      guard let step, step > 0, stepParts.count <= 2, !bounds.isEmpty, bounds.count <= 2,
            let low = bounds[0], let high = bounds.last!, low <= high
      else { return nil }
      result += Array(stride(from: low, through: high, by: step))
    }
    return result.isEmpty ? nil : result
  }

  /// `sbatch --array` for sorted `indices`, runs merged into ranges: `[0,1,2,5]`, 2 → `0-2,5%2`.
  static func arraySpecification(_ indices: [Int], limit: Int?) -> String {
    var parts: [String] = []
    var start = 0
    let sorted = indices.sorted()
    while start < sorted.count {
      var end = start
      while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
      parts.append(start == end ? "\(sorted[start])" : "\(sorted[start])-\(sorted[end])")
      start = end + 1
    }
    return parts.joined(separator: ",") + (limit.map { "%\($0)" } ?? "")
  }
}
