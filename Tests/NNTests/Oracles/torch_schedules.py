"""PyTorch's MultiStepLR and CosineAnnealingLR, stepped once per epoch from base lr 0.1: the
oracle of LearningRateScheduleTests. Prints one JSON object {case: [lr of epoch 0, 1, ...]}.
Exit status 3: torch is missing (run scripts/install-deps)."""
import json
import sys

try:
    import torch
except ModuleNotFoundError as error:
    print(f"torch_schedules.py: {error}; run scripts/install-deps (python3-torch)",
          file=sys.stderr)
    sys.exit(3)


def rates(make, epochs):
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1, momentum=0.9)
    scheduler = make(optimizer)
    out = []
    for _ in range(epochs):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()  # no gradient: a no-op that keeps the scheduler's call order check quiet
        scheduler.step()
    return out


S = torch.optim.lr_scheduler
print(json.dumps({
    "multistep_60_120_170": rates(lambda o: S.MultiStepLR(o, [60, 120, 170], gamma=0.1), 200),
    "multistep_80_120_150": rates(lambda o: S.MultiStepLR(o, [80, 120, 150], gamma=0.1), 170),
    "cosine_200": rates(lambda o: S.CosineAnnealingLR(o, T_max=200, eta_min=0), 200),
    "cosine_170_min": rates(lambda o: S.CosineAnnealingLR(o, T_max=170, eta_min=1e-3), 170),
}))
