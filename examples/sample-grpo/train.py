"""A real, tiny TRL GRPO run on CPU, offline, in well under a minute.

It exists so Rollout Lens can be developed and tested against files the real trainer writes,
not against hand-made imitations. Everything is built locally: a byte-level BPE tokenizer trained
on the toy data, a randomly initialised 2-layer Qwen2 (~100k parameters), and an in-memory
"a+b=" dataset. A short supervised warm-up first: from a random init every reward is 0, every
group has zero std, and GRPO learns nothing.

Writes into --output-dir: TRL's own completions/completions_{step:05d}.parquet and
trainer_state.json, plus metrics.jsonl ({"step", "metrics"} per log call, from a callback) and
rollouts.jsonl (Rollout Lens native JSONL with group ids and token ids, from
python/rollout_lens_logger).

    .venv/sample-grpo/bin/python examples/sample-grpo/train.py --output-dir /tmp/run --steps 20
(`node scripts/python-env.mjs` creates that venv.)
"""

import os

# Offline before any Hugging Face import: there is no hub to reach, and a failed lookup costs time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

T0 = time.time()
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import torch  # noqa: E402
from datasets import Dataset  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM, TrainerCallback  # noqa: E402
from trl import GRPOConfig, GRPOTrainer  # noqa: E402

from rollout_lens_logger.trl import TRLRolloutLogger  # noqa: E402

# Qwen-style chat markup: the markers are special tokens, so decoding with
# skip_special_tokens=True (what TRL and verl do) leaves "user\n12+7=\nassistant\n".
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|bos|>"]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
MAX_OPERAND = 9


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--output-dir", required=True)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--num-iterations", type=int, default=1)
    p.add_argument("--num-generations", type=int, default=8)
    p.add_argument("--prompts-per-step", type=int, default=2)
    # 2 tokens: every answer 0..18 is one BPE token + EOS, so a sample that does not stop at once
    # is cut ("length" finish, format_reward 0); the runs then show both finish reasons.
    p.add_argument("--max-completion-length", type=int, default=2)
    p.add_argument("--warmup-steps", type=int, default=300)
    p.add_argument("--learning-rate", type=float, default=3e-3)
    p.add_argument("--pool-size", type=int, default=8, help="distinct problems in the dataset")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-dataset-index", action="store_true",
                   help="log each row's dataset position as a completions column (TRL log_extra), as a vision run does to find its images")
    p.add_argument("--brpo", action="store_true",
                   help="BRPO instead of GRPO (brpo.py): reward 0, a stand-in pairwise judge, advantages +1/-1/0, "
                        "a `pairwise` completions column; no rollouts.jsonl")
    p.add_argument("--min-step-seconds", type=float, default=0.0,
                   help="pace: each step takes at least this long (the demo uses it so a viewer sees steps arrive)")
    return p.parse_args()


def problems(rng, n):
    out = []
    for _ in range(n):
        a, b = rng.randint(0, MAX_OPERAND), rng.randint(0, MAX_OPERAND)
        out.append((f"{a}+{b}=", str(a + b)))
    return out


def distinct_problems(rng, n):
    seen = {}
    while len(seen) < n:
        q, a = problems(rng, 1)[0]
        seen.setdefault(q, a)
    return list(seen.items())


def build_tokenizer(rng):
    corpus = [f"{q}{a}" for q, a in problems(rng, 2000)] + ["user\n", "assistant\n", "system\n"]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(corpus, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<|endoftext|>", eos_token="<|im_end|>",
                                   bos_token="<|bos|>", chat_template=CHAT_TEMPLATE)


def build_model(tok):
    cfg = Qwen2Config(vocab_size=len(tok), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                      tie_word_embeddings=True, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                      bos_token_id=tok.bos_token_id)
    model = Qwen2ForCausalLM(cfg)
    model.generation_config.pad_token_id = tok.pad_token_id
    model.generation_config.eos_token_id = tok.eos_token_id
    return model


def prompt_text(tok, question):
    return tok.apply_chat_template([{"role": "user", "content": question}], tokenize=False, add_generation_prompt=True)


def warm_up(model, tok, rng, steps):
    """Supervised steps on answers (loss on the answer and EOS only) so GRPO starts from
    partly-right, varied samples: some groups then have reward variance to learn from."""
    if steps <= 0:
        return
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        ids, labels = [], []
        for q, a in problems(rng, 32):
            p = tok(prompt_text(tok, q), add_special_tokens=False)["input_ids"]
            c = tok(a, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
            ids.append(p + c)
            labels.append([-100] * len(p) + c)
        width = max(map(len, ids))
        x = torch.tensor([s + [tok.pad_token_id] * (width - len(s)) for s in ids])
        y = torch.tensor([s + [-100] * (width - len(s)) for s in labels])
        mask = (torch.arange(width)[None, :] < torch.tensor([len(s) for s in ids])[:, None]).long()
        loss = model(input_ids=x, attention_mask=mask, labels=y).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    print(f"[sample-grpo] warm-up: {steps} supervised steps, last loss {loss.item():.3f}", flush=True)


def completion_text(c):
    # Conversational datasets give [{"role": "assistant", "content": ...}]; plain ones a str.
    return c if isinstance(c, str) else "".join(m["content"] for m in c)


def make_rewards(eos_id):
    def correctness(prompts, completions, completion_ids, ground_truth, **kwargs):
        # TRL hands a reward function the batch's dataset columns and `log_extra`, which adds a column
        # to completions/*.parquet: a vision run logs where each row's image is.
        if "dataset_index" in kwargs and kwargs.get("log_extra"):
            kwargs["log_extra"]("dataset_index", list(kwargs["dataset_index"]))
        return [1.0 if completion_text(c).strip() == gt else 0.0 for c, gt in zip(completions, ground_truth)]

    def format_reward(prompts, completions, completion_ids, **kwargs):
        # Digits only, and the model stopped by itself (EOS) instead of hitting the length cap.
        return [0.5 if re.fullmatch(r"\d+", completion_text(c).strip()) and ids and ids[-1] == eos_id else 0.0
                for c, ids in zip(completions, completion_ids)]

    return correctness, format_reward


class MetricsJsonl(TrainerCallback):
    """One {"step", "metrics"} line per log call, flushed at once so a viewer can tail it."""

    def __init__(self, path):
        self.f = open(path, "w", encoding="utf-8")

    def on_log(self, args, state, control, logs=None, **kwargs):
        clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in (logs or {}).items()}
        self.f.write(json.dumps({"step": state.global_step, "metrics": clean}) + "\n")
        self.f.flush()
        if "reward" in clean:
            parts = [f"reward {clean['reward']:.3f}"] + [
                f"{k.split('/')[1]} {v:.3f}" for k, v in clean.items() if k.startswith("rewards/") and k.endswith("/mean")]
            print(f"[sample-grpo] step {state.global_step}: " + ", ".join(parts), flush=True)

    def on_train_end(self, args, state, control, **kwargs):
        self.f.close()


class Pace(TrainerCallback):
    """Sleeps so that each optimizer step takes at least `seconds`: on CPU a step of this tiny model
    takes milliseconds, and a live view would otherwise get every step at once."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.t = time.time()

    def on_step_end(self, args, state, control, **kwargs):
        left = self.seconds - (time.time() - self.t)
        if left > 0:
            time.sleep(left)
        self.t = time.time()


def main():
    args = parse_args()
    os.makedirs(args.output_dir, exist_ok=True)
    # A new run, not a resume: our two JSONL files are appended to while training, so start empty.
    for name in ("metrics.jsonl", "rollouts.jsonl"):
        if os.path.exists(os.path.join(args.output_dir, name)):
            os.remove(os.path.join(args.output_dir, name))
    # One thread: the model is tiny, and on a busy 2-core machine two spinning OpenMP threads made
    # the warm-up 3-10x slower (measured 5 s vs 15-58 s).
    torch.set_num_threads(1)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok = build_tokenizer(rng)
    model = build_model(tok)
    print(f"[sample-grpo] vocab {len(tok)}, model {sum(p.numel() for p in model.parameters())} parameters; "
          f"imports+setup {time.time() - T0:.1f} s", flush=True)
    t = time.time()
    warm_up(model, tok, rng, args.warmup_steps)
    print(f"[sample-grpo] warm-up took {time.time() - t:.1f} s", flush=True)

    g = args.num_generations
    # A small pool of distinct problems, seen once per epoch: each prompt comes back every few
    # steps (a viewer can follow it improving) and never twice in one step (as in real data).
    data = [{"prompt": [{"role": "user", "content": q}], "ground_truth": a}
            for q, a in distinct_problems(rng, args.pool_size)]
    if args.log_dataset_index:
        for i, row in enumerate(data):
            row["dataset_index"] = i
    config = GRPOConfig(
        output_dir=args.output_dir, use_cpu=True, report_to="none", seed=args.seed,
        max_steps=args.steps, logging_steps=1, log_completions=True, num_completions_to_print=1,
        num_generations=g, per_device_train_batch_size=g * args.prompts_per_step,
        max_completion_length=args.max_completion_length, num_iterations=args.num_iterations,
        beta=0.0, learning_rate=args.learning_rate, temperature=1.0, save_strategy="no", disable_tqdm=True,
        dataloader_num_workers=0,
    )
    common = dict(model=model, args=config, train_dataset=Dataset.from_list(data), processing_class=tok,
                  callbacks=[MetricsJsonl(os.path.join(args.output_dir, "metrics.jsonl"))]
                  + ([Pace(args.min_step_seconds)] if args.min_step_seconds > 0 else []))
    rl = None
    if args.brpo:
        sys.path.insert(0, HERE)
        from brpo import Brpo, BrpoGRPOTrainer

        brpo = Brpo(g)
        trainer = BrpoGRPOTrainer(reward_funcs=[brpo.reward], brpo=brpo, **common)
    else:
        correctness, format_reward = make_rewards(tok.eos_token_id)
        rl = TRLRolloutLogger(os.path.join(args.output_dir, "rollouts.jsonl"), g, tokenizer=tok,
                              correct_fn=lambda prompt, response, gt: response.strip() == gt)
        trainer = GRPOTrainer(reward_funcs=rl.wrap(correctness, format_reward), **common)
        rl.attach(trainer)
    t = time.time()
    trainer.train()
    trainer.save_state()  # trainer_state.json is otherwise only written inside checkpoints
    if rl:
        rl.close()
    print(f"[sample-grpo] {args.steps} {'BRPO' if args.brpo else 'GRPO'} steps in {time.time() - t:.1f} s; "
          f"{rl.writer.count if rl else 'no'} rollouts.jsonl rows; total {time.time() - T0:.1f} s -> {args.output_dir}",
          flush=True)


if __name__ == "__main__":
    main()
