"""Companion logger for verl: native JSONL from what ``RayPPOTrainer._dump_generations`` holds.

verl's own dump (``trainer.rollout_data_dir`` / ``trainer.validation_data_dir``) has no group uid
and no token ids, and ``balance_batch`` shuffles rows, so a reader must regroup by prompt text.
Writing the native format next to it keeps the real uid (``batch.non_tensor_batch["uid"]``) and
the response token ids. Checked against verl's ``_dump_generations(self, inputs, outputs, gts,
scores, reward_extra_infos_dict, dump_path)`` / ``_log_rollout_data(self, batch,
reward_extra_infos_dict, timing_raw, rollout_data_dir)`` (volcengine/verl, 2025-2026).

Enable it with the usual dump options::

    trainer.rollout_data_dir=/runs/exp1/rollout \\
    trainer.validation_data_dir=/runs/exp1/val

and, in the process that owns ``RayPPOTrainer`` (verl's ``TaskRunner`` Ray actor, not the shell
that launches it: e.g. at the top of your own copy of ``main_ppo.py``'s ``TaskRunner.run``)::

    from rollout_lens_logger.verl import hook_ray_trainer
    hook_ray_trainer()   # patches verl.trainer.ppo.ray_trainer.RayPPOTrainer

Each dump folder then also gets ``rollout-lens.jsonl`` (all steps appended), which the extension
reads like any native file. ``hook_ray_trainer`` is the monkeypatch below, spelled out::

    from verl.trainer.ppo import ray_trainer
    orig_log, orig_dump = ray_trainer.RayPPOTrainer._log_rollout_data, ray_trainer.RayPPOTrainer._dump_generations
    def _log_rollout_data(self, batch, *args, **kwargs):
        self._rollout_lens_batch = batch            # to read uid / responses / advantages
        try:
            return orig_log(self, batch, *args, **kwargs)
        finally:
            self._rollout_lens_batch = None
    def _dump_generations(self, inputs, outputs, gts, scores, reward_extra_infos_dict, dump_path):
        orig_dump(self, inputs, outputs, gts, scores, reward_extra_infos_dict, dump_path)
        write_verl_generations(os.path.join(dump_path, "rollout-lens.jsonl"), inputs, outputs, gts,
                               scores, reward_extra_infos_dict, self.global_steps, ...)
    ray_trainer.RayPPOTrainer._log_rollout_data = _log_rollout_data
    ray_trainer.RayPPOTrainer._dump_generations = _dump_generations
"""

import hashlib
import numbers
import os

from .writer import RolloutWriter


def _plain(value):
    """numpy scalars/arrays and torch tensors -> Python values, without importing either."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    return value


def write_verl_generations(out, inputs, outputs, gts, scores, reward_extra_infos_dict, step, *,
                           uids=None, response_ids=None, advantages=None, split="train"):
    """Append one native record per sample to ``out`` (a path or a RolloutWriter); returns the count.

    The arguments are ``_dump_generations``'s lists, with verl's rules: an extra key is used only
    if its list has one value per sample, and an extra ``score`` replaces the base score.
    Extras map to native fields: ``acc`` -> ``correct``; other numbers -> ``components``;
    anything else (e.g. math_dapo's ``pred``, ``request_id``) -> ``meta``. verl's validation
    copy ``reward`` (equal to the score) is dropped. Without ``uids`` the group is derived from the
    prompt text (``"{step}-{sha1(input)[:12]}"``), the same regrouping a reader of verl's dump
    must do. ``response_ids``: one list of ints per sample (padding already removed).
    """
    n = len(inputs)
    extras = {k: [_plain(x) for x in v] for k, v in (reward_extra_infos_dict or {}).items() if len(v) == n}
    scores = extras.pop("score", [_plain(s) for s in scores])
    extras.pop("reward", None)
    writer = out if isinstance(out, RolloutWriter) else RolloutWriter(out)
    try:
        for i in range(n):
            if uids is not None:
                group = str(_plain(uids[i]))
            else:
                group = f"{step}-{hashlib.sha1(inputs[i].encode('utf-8')).hexdigest()[:12]}"
            fields = {"split": split}
            components, meta = {}, {}
            for key, values in extras.items():
                v = values[i]
                if key == "acc":
                    fields["correct"] = bool(v)
                elif isinstance(v, numbers.Real) and not isinstance(v, bool):
                    components[key] = float(v)
                else:
                    meta[key] = v
            if components:
                fields["components"] = components
            if meta:
                fields["meta"] = meta
            if gts is not None and gts[i] is not None:
                fields["ground_truth"] = _plain(gts[i])
            if response_ids is not None:
                fields["response_ids"] = [int(t) for t in _plain(response_ids[i])]
            if advantages is not None:
                fields["advantage"] = float(_plain(advantages[i]))
            writer.write(int(step), group, inputs[i], outputs[i], float(scores[i]), **fields)
    finally:
        if writer is not out:
            writer.close()
    return n


def batch_extras(batch):
    """uids, unpadded response ids and sequence advantages from a verl ``DataProto`` (any of
    them None when absent). GRPO's token advantages are constant over a response, so the value
    at its first real token is the sequence advantage."""
    nt, tb = getattr(batch, "non_tensor_batch", {}) or {}, getattr(batch, "batch", None)
    uids = list(nt["uid"]) if "uid" in nt else None
    response_ids = advantages = None
    if tb is not None and "responses" in tb.keys():
        responses = tb["responses"].tolist()
        length = len(responses[0]) if responses else 0
        if "response_mask" in tb.keys():
            masks = tb["response_mask"].tolist()
        else:  # verl's compute_response_mask: the tail of the attention mask
            masks = [row[-length:] if length else [] for row in tb["attention_mask"].tolist()]
        response_ids = [[t for t, m in zip(ids, mask) if m] for ids, mask in zip(responses, masks)]
        if "advantages" in tb.keys():
            adv = tb["advantages"].tolist()
            advantages = [next((a for a, m in zip(row, mask) if m), 0.0) for row, mask in zip(adv, masks)]
    return uids, response_ids, advantages


def hook_ray_trainer(trainer_cls=None, filename="rollout-lens.jsonl"):
    """Patch ``trainer_cls`` (default: verl's RayPPOTrainer, imported here) as in the module
    docstring. Idempotent. Training dumps get uid/response ids/advantages when ``_dump_generations``
    is reached through ``_log_rollout_data``; validation dumps get ``split="val"`` and groups by text."""
    if trainer_cls is None:
        from verl.trainer.ppo.ray_trainer import RayPPOTrainer as trainer_cls  # noqa: N813
    if getattr(trainer_cls, "_rollout_lens_hooked", False):
        return trainer_cls
    orig_log, orig_dump = trainer_cls._log_rollout_data, trainer_cls._dump_generations

    def _log_rollout_data(self, batch, *args, **kwargs):
        self._rollout_lens_batch = batch
        try:
            return orig_log(self, batch, *args, **kwargs)
        finally:
            self._rollout_lens_batch = None

    def _dump_generations(self, inputs, outputs, gts, scores, reward_extra_infos_dict, dump_path):
        orig_dump(self, inputs, outputs, gts, scores, reward_extra_infos_dict, dump_path)
        batch = getattr(self, "_rollout_lens_batch", None)
        uids, response_ids, advantages = batch_extras(batch) if batch is not None else (None, None, None)
        write_verl_generations(os.path.join(dump_path, filename), inputs, outputs, gts, scores,
                               reward_extra_infos_dict, self.global_steps, uids=uids,
                               response_ids=response_ids, advantages=advantages,
                               split="train" if batch is not None else "val")

    trainer_cls._log_rollout_data = _log_rollout_data
    trainer_cls._dump_generations = _dump_generations
    trainer_cls._rollout_lens_hooked = True
    return trainer_cls
