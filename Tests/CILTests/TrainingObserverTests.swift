import CIL
import Testing

/// The loop calls every observer hook in order, with gradients present at `didBackward`.
@Suite(.serialized) struct TrainingObserverTests {
  final class Log: TrainingObserver {
    var events: [String] = []
    var gradientsPresent = true

    func taskWillTrain(_ learner: Learner, task: Int) throws { events.append("start\(task)") }
    func didBackward(_ learner: Learner, step: Int) throws {
      if step == 0 { events.append("backward") }
      let trainable = learner.network.parameters.filter(\.isTrainable)
      gradientsPresent = gradientsPresent && trainable.allSatisfy { $0.gradient != nil }
    }
    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      events.append("epoch\(report.task).\(report.epoch)")
    }
    func taskDidEnd(_ learner: Learner, evaluation: TaskEvaluation) throws {
      events.append("end\(evaluation.task)")
    }
  }

  struct Stop: Error {}
  final class Stopper: TrainingObserver {
    func epochDidEnd(_ learner: Learner, report: EpochReport) throws {
      if report.task == 1 { throw Stop() }
    }
  }

  @Test func hooksRunInOrder() throws {
    let spec = CILTest.spec(.replay) { $0.initialEpochs = 2; $0.epochs = 1 }
    let run = try ClassIncrementalRun(plan: try CILTest.plan(spec), data: CILTest.dataset(),
                                      context: CILTest.context)
    run.learner.prefetchesBatches = false
    let log = Log()
    run.learner.observers = [log]
    _ = try run.run()
    #expect(log.events == ["start0", "backward", "epoch0.0", "epoch0.1", "end0",
                           "start1", "backward", "epoch1.0", "end1",
                           "start2", "backward", "epoch2.0", "end2"])
    #expect(log.gradientsPresent)
  }

  @Test func anObserverErrorEndsTheRun() throws {
    let spec = CILTest.spec(.finetune) { $0.initialEpochs = 1; $0.epochs = 1 }
    let run = try ClassIncrementalRun(plan: try CILTest.plan(spec), data: CILTest.dataset(),
                                      context: CILTest.context)
    run.learner.prefetchesBatches = false
    let log = Log()
    run.learner.observers = [log, Stopper()]
    #expect(throws: Stop.self) { _ = try run.run() }
    #expect(log.events.last == "epoch1.0" && !log.events.contains("end1"))
  }
}
