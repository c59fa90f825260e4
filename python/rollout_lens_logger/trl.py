"""Companion logger for TRL's ``GRPOTrainer`` (checked against trl 1.13.0).

TRL's own ``completions_*.parquet`` has no group id and no token ids. This module records both,
plus per-function rewards and (when attached to the trainer) the advantages TRL really used::

    from rollout_lens_logger.trl import TRLRolloutLogger

    rl = TRLRolloutLogger(f"{out}/rollouts.jsonl", num_generations=8, tokenizer=tokenizer,
                          correct_fn=lambda prompt, response, gt: response.strip() == gt)
    trainer = GRPOTrainer(model=model, reward_funcs=rl.wrap(correctness, format_reward),
                          args=GRPOConfig(..., num_generations=8), train_dataset=ds,
                          processing_class=tokenizer)
    rl.attach(trainer)   # optional but recommended: advantages, exact prompt text, eval split
    trainer.train()

Why wrapping reward functions and not a ``TrainerCallback``: callbacks never see rewards or
completion ids. TRL calls every reward function as
``f(prompts=, completions=, completion_ids=, trainer_state=, log_extra=, log_metric=, **columns)``
with the same list objects for one batch, so a wrapper sees everything per sample. ``wrap`` keeps
each function's ``__name__``, so TRL's metric and parquet column names do not change.

Record fields: ``step`` = ``trainer_state.global_step + 1`` at generation time, i.e. the first
optimizer step trained on these rollouts (the step TRL writes into its parquet/log for them);
``group`` = ``"{step}-{k}"`` with k the prompt's position in TRL's *global* (all-process) batch,
where groups are consecutive blocks of ``num_generations`` (that is how TRL normalises rewards);
``index`` = position in the block. With ``num_iterations > 1`` a batch is generated once and
logged once here (TRL's parquet repeats it). ``reward`` = the weighted sum TRL uses
(``reward_weights``; functions returning None are skipped; if all do, reward 0 and
``meta.unscorable``). ``finish_reason`` = "length" when the last completion id is neither EOS nor
pad (TRL's own ``is_truncated`` test), else "stop".

Multi-process runs: every rank appends its own samples; put ``{rank}`` in the path to get one
file per rank (needed on file systems without atomic O_APPEND, e.g. NFS).
No third-party import happens here: TRL objects are only used through their attributes.
"""

import functools
import os

from .writer import RolloutWriter


def _text(value):
    """A prompt/completion as TRL passes it: a str, or a list of chat messages."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(str(m.get("content", "")) if isinstance(m, dict) else str(m) for m in value)
    return str(value)


class TRLRolloutLogger:
    def __init__(self, path, num_generations, *, tokenizer=None, reward_weights=None,
                 ground_truth_key="ground_truth", correct_fn=None, log_tokens=True, rank=None):
        """``reward_weights``: {function name: weight} (default 1 each; ``attach`` reads TRL's).
        ``correct_fn(prompt, response, ground_truth) -> bool`` fills ``correct``.
        ``log_tokens``: also write ``response_tokens`` (one decoded string per id; needs a tokenizer).
        """
        rank = int(os.environ.get("RANK", "0")) if rank is None else rank
        self.path = os.fspath(path).replace("{rank}", str(rank))
        self.writer = RolloutWriter(self.path)
        self.num_generations = num_generations
        self.tokenizer = tokenizer
        self.reward_weights = dict(reward_weights or {})
        self.ground_truth_key = ground_truth_key
        self.correct_fn = correct_fn
        self.log_tokens = log_tokens
        self.rank, self.num_processes = rank, int(os.environ.get("WORLD_SIZE", "1"))
        self._names = []
        self._pending = None
        self._trainer = None
        self._groups_seen = {}  # (split, step) -> global groups already written at that step

    # -- reward-function side -------------------------------------------------------------
    def wrap(self, *funcs):
        """Return the functions wrapped so that each call records its per-sample rewards."""
        return [self._wrap_one(f) for f in funcs]

    def _wrap_one(self, func):
        name = getattr(func, "__name__", type(func).__name__)
        self._names.append(name)

        @functools.wraps(func)
        def wrapped(prompts, completions, completion_ids=None, **kwargs):
            rewards = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **kwargs)
            self._record(name, prompts, completions, completion_ids, kwargs, list(rewards))
            return rewards

        return wrapped

    def _record(self, name, prompts, completions, completion_ids, kwargs, rewards):
        batch = self._pending
        if batch is None or batch["prompts"] is not prompts:
            state = kwargs.get("trainer_state")
            batch = self._pending = {
                "prompts": prompts, "completions": completions, "completion_ids": completion_ids,
                "ground_truth": kwargs.get(self.ground_truth_key),
                "global_step": getattr(state, "global_step", 0), "rewards": {},
            }
        batch["rewards"][name] = rewards
        if self._trainer is None and len(batch["rewards"]) == len(self._names):
            self._flush(split="train")

    # -- trainer side ---------------------------------------------------------------------
    def attach(self, trainer):
        """Hook ``trainer._generate_and_score_completions`` so each batch is written after TRL
        has computed its advantages; also takes tokenizer, weights and process layout from it."""
        self._trainer = trainer
        if self.tokenizer is None:
            pc = getattr(trainer, "processing_class", None)
            self.tokenizer = getattr(pc, "tokenizer", pc)
        names = list(getattr(trainer, "reward_func_names", []))
        weights = getattr(trainer, "reward_weights", None)
        if weights is not None and len(names) == len(weights):
            self.reward_weights = {n: float(w) for n, w in zip(names, weights.tolist())}
        acc = getattr(trainer, "accelerator", None)
        if acc is not None:
            self.rank, self.num_processes = acc.process_index, acc.num_processes
        original = trainer._generate_and_score_completions

        def hooked(*args, **kwargs):
            output = original(*args, **kwargs)
            training = getattr(getattr(trainer, "model", None), "training", True)
            advantages = output.get("advantages") if isinstance(output, dict) else None
            self._flush(
                split="train" if training else "val",
                advantages=advantages.tolist() if advantages is not None else None,
                prompt_ids=output.get("prompt_ids") if isinstance(output, dict) else None,
                num_generations=trainer.num_generations if training else trainer.num_generations_eval,
            )
            return output

        trainer._generate_and_score_completions = hooked
        return self

    # -- writing ----------------------------------------------------------------------------
    def _flush(self, split, advantages=None, prompt_ids=None, num_generations=None):
        batch, self._pending = self._pending, None
        if batch is None:
            return
        g = num_generations or self.num_generations
        tok = self.tokenizer
        # Eval samples are scored at the current step; training samples belong to the next one.
        step = batch["global_step"] + (1 if split == "train" else 0)
        n = len(batch["prompts"])
        if prompt_ids is not None and tok is not None:
            # Exactly what TRL decodes for its parquet: template applied, special tokens skipped.
            prompts = tok.batch_decode(prompt_ids, skip_special_tokens=True)
        else:
            prompts = [_text(p) for p in batch["prompts"]]
        eos = {getattr(tok, "eos_token_id", None), getattr(tok, "pad_token_id", None)} - {None}
        key = (split, step)
        offset = self._groups_seen.get(key, 0)
        self._groups_seen[key] = offset + (n * self.num_processes) // g
        ids_all = batch["completion_ids"]
        tokens_all = None
        if self.log_tokens and tok is not None and ids_all is not None:
            tokens_all = [tok.batch_decode([[t] for t in ids]) for ids in ids_all]
        gts = batch["ground_truth"]
        for i in range(n):
            pos = self.rank * n + i  # position in TRL's gathered (all-process) batch
            components, total = {}, 0.0
            for name in self._names:
                value = batch["rewards"].get(name, [None] * n)[i]
                if value is None:
                    continue
                components[name] = float(value)
                total += self.reward_weights.get(name, 1.0) * float(value)
            response = _text(batch["completions"][i])
            extra = {"split": split, "components": components, "index": pos % g}
            if not components:
                extra["meta"] = {"unscorable": True}
            if gts is not None:
                extra["ground_truth"] = gts[i]
            if self.correct_fn is not None:
                extra["correct"] = self.correct_fn(prompts[i], response, None if gts is None else gts[i])
            if ids_all is not None:
                ids = [int(t) for t in ids_all[i]]
                extra["response_ids"] = ids
                if ids and eos:
                    extra["finish_reason"] = "stop" if ids[-1] in eos else "length"
            if tokens_all is not None:
                extra["response_tokens"] = tokens_all[i]
            if advantages is not None:
                extra["advantage"] = float(advantages[i])
            self.writer.write(step, f"{step}-{offset + pos // g}", prompts[i], response, total, **extra)

    def close(self):
        self.writer.close()
