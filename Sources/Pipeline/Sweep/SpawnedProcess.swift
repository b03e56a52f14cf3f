import Foundation

/// A child process started with `posix_spawn` in this process's own process group, stdin from
/// /dev/null, stdout appended to a file and stderr to the same file, another one, or this
/// process's stderr.
///
/// Foundation's `Process` puts every child in a new process group, so a Ctrl-C in the terminal
/// or a `kill -- -PGID` stopped `strata verify` but left its `strata train` children running;
/// a resumed sweep then started a second writer of the same checkpoints. Here the children go
/// wherever the parent goes, and `STRATA_PARENT_PID` lets them stop when it dies by other means
/// (`ParentWatch`).
final class SpawnedProcess {
  let pid: pid_t
  private var waitStatus: Int32?

  /// Where stderr goes.
  enum Errors: Equatable {
    case withOutput, file(String), inherited
  }

  init(executable: String, arguments: [String], environment: [String: String], log: String,
       errors: Errors = .withOutput) throws
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    switch errors {
    case .withOutput: posix_spawn_file_actions_adddup2(&actions, 1, 2)
    case .file(let path):
      posix_spawn_file_actions_addopen(&actions, 2, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    case .inherited: break
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Default dispositions for the signals a parent may ignore or block (SIGPIPE is ignored by
    // the Swift runtime), an empty signal mask; no SETPGROUP: the parent's process group.
    var defaults = sigset_t(), empty = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid = pid_t()
    let error = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard error == 0 else {
      throw SweepError(path: executable, message: "cannot start: \(String(cString: strerror(error)))")
    }
    self.pid = pid
  }

  /// False once the child has ended (it is reaped here, without blocking).
  var isRunning: Bool {
    guard waitStatus == nil else { return false }
    var status: Int32 = 0
    let result = waitpid(pid, &status, WNOHANG)
    if result == pid || (result == -1 && errno == ECHILD) {
      waitStatus = result == pid ? status : 0
      return false
    }
    return true
  }

  /// Blocks until the child ends.
  func wait() {
    while isRunning { usleep(20_000) }
  }

  /// The exit code, or nil when a signal ended it (`signal` then says which).
  var exitCode: Int32? {
    guard let status = waitStatus, status & 0x7f == 0 else { return nil }
    return (status >> 8) & 0xff
  }

  var signal: Int32? {
    guard let status = waitStatus, status & 0x7f != 0 else { return nil }
    return status & 0x7f
  }
}

/// Lets a `strata` child end when the process that started it dies: the executor passes its
/// PID in `STRATA_PARENT_PID`, and once the child is re-parented (the sweep was killed with
/// SIGKILL, or crashed) it stops itself rather than keep writing results nobody follows.
public enum ParentWatch {
  public static func start() {
    guard let text = ProcessInfo.processInfo.environment["STRATA_PARENT_PID"],
          let parent = pid_t(text) else { return }
    guard getppid() == parent else { kill(getpid(), SIGKILL); return }
    let thread = Thread {
      while getppid() == parent { usleep(200_000) }
      kill(getpid(), SIGKILL)
    }
    thread.start()
  }
}
