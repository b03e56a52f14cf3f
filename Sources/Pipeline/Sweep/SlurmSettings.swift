/// The Slurm site settings of a sweep's jobs (`strata verify --executor slurm`'s options as
/// values): what every batch script asks for, the thread count and how often to poll.
public struct SlurmSettings: Sendable, Equatable {
  public var partition: String?
  public var time: String?
  public var memory: String?
  public var account: String?
  /// CPUs of each run's job, also its thread count; nil: 1 (or the sweep's recorded count).
  public var cpusPerTask: Int?
  /// Further sbatch arguments for both jobs.
  public var extra: [String]
  /// Seconds between two looks at the queue.
  public var pollInterval: Double

  public init(partition: String? = nil, time: String? = nil, memory: String? = nil,
              account: String? = nil, cpusPerTask: Int? = nil, extra: [String] = [],
              pollInterval: Double = 10)
  {
    self.partition = partition
    self.time = time
    self.memory = memory
    self.account = account
    self.cpusPerTask = cpusPerTask
    self.extra = extra
    self.pollInterval = pollInterval
  }

  public var site: SlurmBatchScript.Site {
    .init(partition: partition, time: time, memory: memory, account: account, extra: extra)
  }
}
