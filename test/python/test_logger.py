"""Tests for python/rollout_lens_logger (stdlib only; system python3, no venv):

    python3 -m unittest discover -s test/python -v
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest
from types import SimpleNamespace

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

from rollout_lens_logger import RolloutWriter  # noqa: E402
from rollout_lens_logger.trl import TRLRolloutLogger  # noqa: E402
from rollout_lens_logger.verl import hook_ray_trainer, write_verl_generations  # noqa: E402

VERL_FIXTURE = os.path.join(REPO, "test", "fixtures", "verl")


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Tensorish(list):
    """Stands in for a torch tensor / numpy array: only .tolist() is used."""

    def tolist(self):
        return list(self)


class TmpDirCase(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()


class WriterTest(TmpDirCase):
    def test_exact_line_and_auto_index(self):
        path = os.path.join(self.dir, "sub", "r.jsonl")
        w = RolloutWriter(path)
        w.write(3, "g1", "2+2=", "4", 1.0, components={"correctness": 1}, correct=True)
        w.write(3, "g1", "2+2=", "5", 0.0)
        w.write(3, "g2", "½+½=", "1 ✓", 0.5, finish_reason="stop", response_ids=[7, 2])
        # Readable before close: one complete line per write, nothing buffered.
        with open(path, "rb") as f:
            raw = f.read()
        w.close()
        self.assertEqual(raw.decode("utf-8").split("\n"), [
            '{"step":3,"group":"g1","index":0,"prompt":"2+2=","response":"4","reward":1.0,'
            '"components":{"correctness":1},"correct":true}',
            '{"step":3,"group":"g1","index":1,"prompt":"2+2=","response":"5","reward":0.0}',
            '{"step":3,"group":"g2","index":0,"prompt":"½+½=","response":"1 ✓","reward":0.5,'
            '"finish_reason":"stop","response_ids":[7,2]}',
            "",
        ])
        self.assertIn("½".encode("utf-8"), raw)  # ensure_ascii=False
        self.assertEqual(w.count, 3)

    def test_explicit_index_and_append_across_writers(self):
        path = os.path.join(self.dir, "r.jsonl")
        with RolloutWriter(path) as w:
            w.write(0, "g", "p", "a", 1, index=5)
            w.write(0, "g", "p", "b", 1)
        with RolloutWriter(path) as w:
            w.write(1, "g", "p", "c", 2, split="val", advantage=-0.5)
        self.assertEqual([(r["step"], r["index"], r["response"]) for r in read_lines(path)],
                         [(0, 5, "a"), (0, 6, "b"), (1, 0, "c")])
        self.assertEqual(read_lines(path)[2]["split"], "val")

    def test_refuses_nan_and_inf_naming_the_field(self):
        with RolloutWriter(os.path.join(self.dir, "r.jsonl")) as w:
            cases = [
                (dict(reward=math.nan), "reward"),
                (dict(reward=math.inf), "reward"),
                (dict(reward=1.0, components={"correctness": -math.inf}), "components.correctness"),
                (dict(reward=1.0, advantage=math.nan), "advantage"),
                (dict(reward=1.0, logprobs=[-0.1, math.nan]), "logprobs[1]"),
                (dict(reward=True), "reward"),
            ]
            for kwargs, field in cases:
                with self.subTest(field=field):
                    with self.assertRaises(ValueError) as ctx:
                        w.write(0, "g", "p", "r", **kwargs)
                    self.assertIn(field, str(ctx.exception))
            self.assertEqual(w.count, 0)
        self.assertEqual(os.path.getsize(os.path.join(self.dir, "r.jsonl")), 0)

    def test_validates_required_fields_and_unknown_keys(self):
        with RolloutWriter(os.path.join(self.dir, "r.jsonl")) as w:
            for args in [(-1, "g", "p", "r", 1), (1.5, "g", "p", "r", 1), (0, 7, "p", "r", 1),
                         (0, "", "p", "r", 1), (0, "g", None, "r", 1)]:
                with self.subTest(args=args), self.assertRaises(ValueError):
                    w.write(*args)
            with self.assertRaises(TypeError) as ctx:
                w.write(0, "g", "p", "r", 1, rewardd=2)
            self.assertIn("rewardd", str(ctx.exception))

    def test_import_pulls_in_no_third_party_module(self):
        code = ("import sys; sys.path.insert(0, %r); import rollout_lens_logger.trl, rollout_lens_logger.verl; "
                "print(sorted(m for m in ('torch','numpy','trl','transformers','verl','pandas') if m in sys.modules))"
                % os.path.join(REPO, "python"))
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        self.assertEqual(out.strip(), "[]")


class FakeTokenizer:
    eos_token_id, pad_token_id = 2, 0
    vocab = {2: "<eos>", 10: "1", 11: "2", 12: "x"}

    def batch_decode(self, seqs, skip_special_tokens=False):
        return ["".join(self.vocab[t] for t in s if not (skip_special_tokens and t in (0, 2))) for s in seqs]


def correctness(prompts, completions, completion_ids, ground_truth, **kwargs):
    return [1.0 if c[0]["content"] == gt else 0.0 for c, gt in zip(completions, ground_truth)]


def format_reward(prompts, completions, completion_ids, **kwargs):
    return [0.5 if ids[-1] == 2 else None for ids in completion_ids]


def call_like_trl(funcs, global_step, prompts, completions, completion_ids, gts):
    """What GRPOTrainer._calculate_rewards does: same list objects for every reward function."""
    state = SimpleNamespace(global_step=global_step)
    return [f(prompts=prompts, completions=completions, completion_ids=completion_ids, ground_truth=gts,
              trainer_state=state, log_extra=None, log_metric=None) for f in funcs]


class TRLTest(TmpDirCase):
    def setUp(self):
        super().setUp()
        os.environ["RANK"] = "1"  # as torchrun/accelerate set it

    def tearDown(self):
        os.environ.pop("RANK", None)
        super().tearDown()

    def batch(self):
        prompts = [[{"role": "user", "content": "1+1="}]] * 2 + [[{"role": "user", "content": "0+1="}]] * 2
        completions = [[{"role": "assistant", "content": t}] for t in ("2", "12", "1", "x")]
        return prompts, completions, [[11, 2], [10, 11], [10, 2], [12, 12]], ["2", "2", "1", "1"]

    def test_wrap_without_attach(self):
        path = os.path.join(self.dir, "r.jsonl")
        rl = TRLRolloutLogger(path, num_generations=2, tokenizer=FakeTokenizer(),
                              reward_weights={"format_reward": 2.0},
                              correct_fn=lambda p, r, gt: r == gt, rank=0)
        funcs = rl.wrap(correctness, format_reward)
        self.assertEqual([f.__name__ for f in funcs], ["correctness", "format_reward"])  # TRL column names
        out = call_like_trl(funcs, 4, *self.batch())
        self.assertEqual(out, [[1.0, 0.0, 1.0, 0.0], [0.5, None, 0.5, None]])
        rl.close()
        rows = read_lines(path)
        self.assertEqual([(r["step"], r["group"], r["index"]) for r in rows],
                         [(5, "5-0", 0), (5, "5-0", 1), (5, "5-1", 0), (5, "5-1", 1)])
        self.assertEqual([r["reward"] for r in rows], [2.0, 0.0, 2.0, 0.0])
        self.assertEqual(rows[1]["components"], {"correctness": 0.0})  # None is skipped, as TRL's nansum
        self.assertEqual([r["finish_reason"] for r in rows], ["stop", "length", "stop", "length"])
        self.assertEqual(rows[0]["response_tokens"], ["2", "<eos>"])
        self.assertEqual(rows[0]["prompt"], "1+1=")
        self.assertEqual([r["correct"] for r in rows], [True, False, True, False])
        self.assertEqual(rows[3]["ground_truth"], "1")
        self.assertNotIn("advantage", rows[0])

    def test_attach_takes_advantages_weights_and_rank(self):
        path = os.path.join(self.dir, "r-{rank}.jsonl")
        prompts, completions, ids, gts = self.batch()
        trainer = SimpleNamespace(
            processing_class=FakeTokenizer(), reward_func_names=["correctness", "format_reward"],
            reward_weights=Tensorish([1.0, 1.0]), num_generations=4, num_generations_eval=4,
            accelerator=SimpleNamespace(process_index=1, num_processes=2), model=SimpleNamespace(training=True),
            state=SimpleNamespace(global_step=0))

        def generate_and_score(inputs):
            call_like_trl(funcs, trainer.state.global_step, prompts, completions, ids, gts)
            return {"advantages": Tensorish([0.5, -0.5, 1.5, -1.5]), "prompt_ids": [[10, 10], [10, 10], [12], [12]]}

        trainer._generate_and_score_completions = generate_and_score
        rl = TRLRolloutLogger(path, num_generations=99)
        funcs = rl.wrap(correctness, format_reward)
        rl.attach(trainer)
        trainer._generate_and_score_completions(None)
        self.assertEqual(len(read_lines(rl.path)), 4)  # written by the hook, right after the batch
        trainer.model.training = False
        trainer._generate_and_score_completions(None)  # an eval batch at the same global step
        trainer.model.training = True
        trainer._generate_and_score_completions(None)  # a second train batch at that step
        rl.close()
        rows = read_lines(os.path.join(self.dir, "r-1.jsonl"))  # {rank} filled from $RANK at construction
        # Rank 1 of 2, 4 local rows, G=4 (from the trainer): global positions 4..7 -> group 1.
        self.assertEqual([(r["split"], r["step"], r["group"], r["index"]) for r in rows[:4]],
                         [("train", 1, "1-1", 0), ("train", 1, "1-1", 1), ("train", 1, "1-1", 2),
                          ("train", 1, "1-1", 3)])
        self.assertEqual([r["advantage"] for r in rows[:4]], [0.5, -0.5, 1.5, -1.5])
        self.assertEqual([r["prompt"] for r in rows[:3]], ["11", "11", "x"])  # decoded prompt_ids
        self.assertEqual([(r["split"], r["step"], r["group"]) for r in rows[4:8]], [("val", 0, "0-1")] * 4)
        # The second train batch at the same step must not reuse group ids: 2 global groups already seen.
        self.assertEqual({r["group"] for r in rows[8:]}, {"1-3"})


class VerlTest(TmpDirCase):
    def fixture_lists(self, name="rollout/1.jsonl"):
        rows = read_lines(os.path.join(VERL_FIXTURE, name))
        extras = {k: [r[k] for r in rows] for k in rows[0] if k not in ("input", "output", "gts", "score", "step")}
        extras["score"] = [r["score"] for r in rows]
        return rows, extras

    def test_from_real_dump_shape(self):
        rows, extras = self.fixture_lists()
        path = os.path.join(self.dir, "n.jsonl")
        scores = [r["score"] + r["overlong_reward"] for r in rows]  # token_level_scores.sum(-1)
        n = write_verl_generations(path, [r["input"] for r in rows], [r["output"] for r in rows],
                                   [r["gts"] for r in rows], scores, extras, 1)
        self.assertEqual(n, 32)
        out = read_lines(path)
        groups = {}
        for r in out:
            groups.setdefault(r["group"], []).append(r["index"])
        self.assertEqual(sorted(len(v) for v in groups.values()), [8, 8, 8, 8])
        self.assertTrue(all(sorted(v) == list(range(8)) for v in groups.values()))
        self.assertTrue(all(g.startswith("1-") and len(g) == 14 for g in groups))
        # As in verl, the extra "score" replaces the base score.
        self.assertEqual([r["reward"] for r in out], [r["score"] for r in rows])
        self.assertEqual(out[1]["components"], {"overlong_reward": -1.0})
        self.assertEqual(out[1]["meta"], {"pred": "[INVALID]", "overlong": True})
        self.assertEqual((out[0]["correct"], out[0]["ground_truth"], out[0]["split"]), (True, "52", "train"))

    def test_uids_ids_advantages_and_dropped_val_reward(self):
        rows, extras = self.fixture_lists("val/0.jsonl")
        extras["short"] = [1, 2]  # wrong length: ignored, as verl does
        path = os.path.join(self.dir, "n.jsonl")
        k = len(rows)
        write_verl_generations(path, [r["input"] for r in rows], [r["output"] for r in rows], [None] * k,
                               [0.0] * k, extras, 0, uids=Tensorish(f"u{i // 4}" for i in range(k)),
                               response_ids=[Tensorish([i, 2]) for i in range(k)],
                               advantages=[0.25] * k, split="val")
        out = read_lines(path)
        self.assertEqual([r["group"] for r in out[:5]], ["u0", "u0", "u0", "u0", "u1"])
        self.assertEqual(out[3]["response_ids"], [3, 2])
        self.assertEqual((out[0]["advantage"], out[0]["split"]), (0.25, "val"))
        self.assertNotIn("reward", out[0]["components"])
        self.assertNotIn("short", json.dumps(out[0]))
        self.assertNotIn("ground_truth", out[0])

    def test_hook_ray_trainer_on_a_stand_in_class(self):
        calls = []

        class FakeTrainer:
            global_steps = 2

            def _log_rollout_data(self, batch, reward_extra_infos_dict, timing_raw, rollout_data_dir):
                self._dump_generations(["p", "p"], ["a", "b"], ["1", "1"], [1.0, -1.0], reward_extra_infos_dict,
                                       rollout_data_dir)

            def _dump_generations(self, inputs, outputs, gts, scores, reward_extra_infos_dict, dump_path):
                calls.append(dump_path)

        hook_ray_trainer(FakeTrainer)
        hook_ray_trainer(FakeTrainer)  # idempotent: no double writes
        batch = SimpleNamespace(
            non_tensor_batch={"uid": Tensorish(["u", "u"])},
            batch={"responses": Tensorish([[5, 2, 0], [6, 6, 6]]), "response_mask": Tensorish([[1, 1, 0], [1, 1, 1]]),
                   "advantages": Tensorish([[0.7, 0.7, 0.0], [-0.7, -0.7, -0.7]])})
        t = FakeTrainer()
        t._log_rollout_data(batch, {"acc": [True, False]}, {}, self.dir)
        t._dump_generations(["q"], ["c"], ["3"], [0.5], {}, os.path.join(self.dir, "val"))  # validation path
        self.assertEqual(calls, [self.dir, os.path.join(self.dir, "val")])
        train = read_lines(os.path.join(self.dir, "rollout-lens.jsonl"))
        self.assertEqual([(r["group"], r["index"], r["response_ids"], r["advantage"], r["correct"]) for r in train],
                         [("u", 0, [5, 2], 0.7, True), ("u", 1, [6, 6, 6], -0.7, False)])
        val = read_lines(os.path.join(self.dir, "val", "rollout-lens.jsonl"))
        self.assertEqual((val[0]["split"], val[0]["step"], val[0]["reward"]), ("val", 2, 0.5))


if __name__ == "__main__":
    unittest.main()
