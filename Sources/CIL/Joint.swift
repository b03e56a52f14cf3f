import Data

/// Joint training, the upper bound (PyCIL's `models/joint.py` trains once on everything; here,
/// so that it has an accuracy matrix like every other method, each task trains one backbone on
/// all the training images of every class seen so far). No exemplar memory and no NME: it keeps
/// all the data, which no memory budget covers.
public final class Joint: Learner {
  override func rehearsalIndices(data: IncrementalDataset) -> [Int] {
    plan.stream.indices(labels: data.train.labels, positions: plan.stream.tasks[currentTask].oldClasses)
  }
}
