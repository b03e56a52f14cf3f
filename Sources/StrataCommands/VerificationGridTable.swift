import Analysis
import CIL
import Pipeline

/// The planned grid as `--dry-run` and the start of a verification print it: the candidates,
/// exemplars per candidate and budget ("does not fit" where the model alone exceeds it), the
/// number of runs and of task-0 trainings.
struct VerificationGridTable {
  let planning: VerificationPlanning

  init(_ planning: VerificationPlanning) { self.planning = planning }

  var lines: [String] {
    let sweep = planning.sweep, grid = planning.grid
    let trainings = sweep.plannedTaskZeroTrainings
    var lines = ["verifying \(planning.recommended ?? "no recommended split") with "
      + "\(counted(sweep.candidates.count, "candidate")) × \(counted(sweep.budgets.count, "budget")) × "
      + "\(counted(sweep.seeds.count, "seed")) (\(sweep.seeds.map(String.init).joined(separator: ", "))): "
      + "\(counted(sweep.points.count, "run")), \(counted(trainings, "task-0 training"))"
      + ((sweep.sharesTaskZero ?? false) ? " (one per seed)" : " (every run its own)")]
    var table = TextTable(["candidate", "learner", "role", "model bytes"]
      + grid.budgets.indices.map { b in
        let named = "\(grid.budgets[b])"
        return named == "\(grid.budgetBytes[b]) bytes" ? named : "\(named) = \(grid.budgetBytes[b]) bytes"
      }, leftAligned: [0, 1, 2])
    for (c, candidate) in sweep.candidates.enumerated() {
      table.add([candidate.split, candidate.learner.rawValue, candidate.role, "\(grid.modelBytes[c])"]
        + grid.exemplars[c].map { $0.map { "\($0) exemplars" } ?? "does not fit" })
    }
    lines += table.rendered.split(separator: "\n").map { "  " + $0 }
    return lines
  }
}

/// "1 seed", "2 seeds".
func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
