/// MEMO (Zhou, Wang, Ye, Zhan, "A Model or 603 Exemplars: Towards Memory-Efficient
/// Class-Incremental Learning", ICLR 2023), as PyCIL's `models/memo.py`: the blocks before the
/// split are shared and keep training (`train_base`/`train_shared`, default true); a new copy of
/// the blocks from the split on per task, the old copies frozen and in eval mode; the auxiliary
/// loss and weight aligning of `ExpandingLearner`. Any block can be the split, not only
/// `stage3.block1`.
public final class MEMO: ExpandingLearner {
  override func prepare(task: Int) throws {
    try super.prepare(task: task)
    if task > 0 && !plan.spec.trainShared { network.setSharedFrozen(true) }
  }
}
