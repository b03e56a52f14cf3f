/// Experience replay (PyCIL's `models/replay.py`): one backbone trained with cross-entropy over
/// every seen class on the new data plus the herded exemplars of the old classes. The loss is
/// `Learner`'s default.
public final class Replay: Learner {}
