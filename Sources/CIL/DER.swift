/// DER — Dynamically Expandable Representation (Yan, Xie, He, "DER: Dynamically Expandable
/// Representation for Class Incremental Learning", CVPR 2021), as PyCIL's `models/der.py`
/// without pruning: a whole new backbone per task (split `stem`), initialized from the newest
/// one; old backbones frozen and in eval mode; features concatenated; the auxiliary loss and
/// weight aligning of `ExpandingLearner`.
public final class DER: ExpandingLearner {}
