import CIL
import Data
import Foundation
import Recording
import Tensor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Task 0 once per seed: a MEMO or DER run of a sweep continues from `task0-<digest>.h5` in a
/// shared folder. The first run of a key trains it (under an exclusive lock on
/// `task0-<digest>.lock`, so runs of the same seed started side by side, locally or as Slurm
/// array tasks on a shared file system, wait for it instead of training it twice); every later
/// run reads it. A complete file is reused (`--resume`); a partial one (a `.partial` left by a
/// killed writer, or a file that does not read back) is trained again.
public enum TaskZeroSharing {
  public enum Source: Sendable, Equatable {
    /// This run trained the fork and wrote it.
    case trained(String)
    /// An earlier run had written it.
    case reused(String)
  }

  /// The fork's file for `plan` in `directory` at this process's threads and convolution.
  public static func file(plan: RunPlan, directory: String, context: ComputeContext) -> String {
    directory + "/" + TaskZeroFile.fileName(key(plan, context: context))
  }

  static func key(_ plan: RunPlan, context: ComputeContext) -> TaskZeroKey {
    TaskZeroKey(plan: plan, threads: context.threads,
                convolution: context.convolutionPolicy.rawValue)
  }

  /// The run of `plan` continuing from its task-0 fork in `directory`, training and writing the
  /// fork first when no complete one is there.
  public static func run(plan: RunPlan, data: IncrementalDataset, context: ComputeContext,
                         directory: String, commandLine: String,
                         progress: ((EpochReport) -> Void)? = nil) throws
    -> (run: ClassIncrementalRun, source: Source)
  {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = file(plan: plan, directory: directory, context: context)
    let source = try locked(path + ".lock") { () throws -> Source in
      if (try? TaskZeroFile.read(path)) != nil { return .reused(path) }
      let state = try ClassIncrementalRun.trainTaskZero(
        plan: plan, data: data, context: context, threads: context.threads,
        convolution: context.convolutionPolicy.rawValue, progress: progress)
      try TaskZeroFile.write(state, to: path, strataVersion: StrataVersion.string,
                             commandLine: commandLine)
      return .trained(path)
    }
    return (try TaskZeroFile.continueRun(from: path, plan: plan, data: data, context: context),
            source)
  }

  /// `body` while holding an exclusive `flock` on `lockFile` (created if needed). Close-on-exec:
  /// a child started meanwhile would otherwise share the lock and hold it past `body`.
  static func locked<T>(_ lockFile: String, _ body: () throws -> T) throws -> T {
    let fd = open(lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw SweepError(path: lockFile, message: "cannot open the task-0 lock: errno \(errno)")
    }
    defer { close(fd) }
    while flock(fd, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw SweepError(path: lockFile, message: "cannot lock the task-0 file: errno \(errno)")
      }
    }
    defer { _ = flock(fd, LOCK_UN) }
    return try body()
  }
}
