"""rollout_lens_logger: write Rollout Lens native rollout JSONL from a training run.

Stdlib only. ``RolloutWriter`` is the core; ``rollout_lens_logger.trl`` and
``rollout_lens_logger.verl`` adapt it to TRL's GRPOTrainer and verl's RayPPOTrainer without
importing either framework at import time.
"""

from .writer import FORMAT_VERSION, OPTIONAL_KEYS, RolloutWriter

__all__ = ["FORMAT_VERSION", "OPTIONAL_KEYS", "RolloutWriter"]
__version__ = "0.1.0"
