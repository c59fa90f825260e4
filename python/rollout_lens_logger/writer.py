"""RolloutWriter: appends Rollout Lens native JSONL (one sample per line).

The format is the extension's public contract (docs/native-format.md, format version 1):
required ``step`` (int >= 0), ``group`` (str, the GRPO uid), ``prompt``, ``response`` (str),
``reward`` (finite number); optional keys listed in ``OPTIONAL_KEYS``.

Why it is written the way it is:
- the extension tails the file while training runs, so every record is one ``write()`` of one
  complete line on an ``O_APPEND`` descriptor (no buffering): a reader never sees half a record
  unless the process dies mid-write, and several processes may append to one file;
- NaN/Infinity are not JSON; silently writing them would break every strict reader, so they are
  refused with a ValueError naming the field;
- ``ensure_ascii=False`` keeps non-Latin text readable and the file smaller;
- images (``images=[...]`` on a sample or a turn) are stored once per content under
  ``<rollout folder>/images/`` before the line that refers to them is written (images.py);
- pairwise votes, reward models, p(reference) and stages are checked as the extension reads them
  (judging.py), so a mistake fails the call instead of being dropped at ingest.
"""

import json
import math
import os
import threading

from .images import ImageStore, check_boxes, check_segments, check_video
from .judging import judging_fields

FORMAT_VERSION = 1
OPTIONAL_KEYS = (
    "index", "components", "rationale", "ground_truth", "correct", "finish_reason",
    "response_ids", "response_tokens", "logprobs", "advantage", "token_advantages",
    "split", "data_source", "images", "boxes", "video", "segments", "turns", "meta",
    # Rewards without a verifier (judging.py): checked together, as some need each other.
    "pairwise", "reward_models", "length_range", "p_reward", "logp_reward", "answer_offset", "stage",
)
JUDGING_KEYS = frozenset(OPTIONAL_KEYS[OPTIONAL_KEYS.index("pairwise"):])


def _is_number(value):
    # bool is an int subclass; a reward of True is almost certainly a bug upstream.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite(field, value):
    if not _is_number(value):
        raise ValueError(f"{field} must be a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{field} is {value!r}; NaN and Infinity are not allowed in native JSONL")
    return value


def _finite_list(field, values):
    out = list(values)
    for i, v in enumerate(out):
        _finite(f"{field}[{i}]", v)
    return out


class RolloutWriter:
    """Append native JSONL records to ``path`` (created with its parent folders if missing).

    ``index`` (position within the group) is assigned automatically, counting per
    (split, step, group) in the order records are written, unless given explicitly.
    Thread-safe. Use as a context manager or call ``close()``.

    ``images=[...]`` (on a sample, or as a key of a ``turns`` item) takes file paths, bytes or PIL
    images; each is stored once as ``images/<sha256>.<ext>`` beside the rollout file. With
    ``copy_images=False`` (here or per ``write``) a path is written as its absolute path instead.
    """

    def __init__(self, path, copy_images=True):
        self.path = os.fspath(path)
        # Made on first use: a run without images gets no images/ folder.
        self._images = None
        self._copy_images = copy_images
        parent = os.path.dirname(self.path)
        if parent:
            os.makedirs(parent, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self._lock = threading.Lock()
        self._next_index = {}
        self.count = 0

    def write(self, step, group, prompt, response, reward, *, copy_images=None, **optional):
        """Validate and append one sample; returns the record (a dict) as written."""
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be an int >= 0, got {step!r}")
        if not isinstance(group, str) or not group:
            raise ValueError(f"group must be a non-empty str, got {group!r}")
        for name, text in (("prompt", prompt), ("response", response)):
            if not isinstance(text, str):
                raise ValueError(f"{name} must be a str, got {type(text).__name__}")
        unknown = set(optional) - set(OPTIONAL_KEYS)
        if unknown:
            raise TypeError(f"unknown field(s) {sorted(unknown)}; put extra data in meta={{...}}")
        sample = f"sample (step {step}, group {group!r})"
        record = {"step": step, "group": group, "index": None, "prompt": prompt,
                  "response": response, "reward": _finite("reward", reward)}
        for key in OPTIONAL_KEYS:
            value = optional.get(key)
            if value is None or key == "index" or key in JUDGING_KEYS:
                continue
            if key == "components":
                value = {str(k): _finite(f"components.{k}", v) for k, v in value.items()}
            elif key == "advantage":
                _finite("advantage", value)
            elif key in ("logprobs", "token_advantages"):
                value = _finite_list(key, value)
            elif key == "response_ids":
                value = [int(t) for t in value]
            elif key == "correct":
                value = bool(value)
            elif key == "images":
                value = self._image_store().refs(value, f"{sample} images", copy_images)
            elif key == "boxes":
                value = check_boxes(value, len(record.get("images", ())), f"{sample} boxes")
            elif key == "video":
                value = check_video(value, os.path.dirname(os.path.abspath(self.path)), f"{sample} video")
            elif key == "segments":
                value = check_segments(value, f"{sample} segments")
            elif key == "turns":
                value = self._turns(value, sample, copy_images)
            record[key] = value
        record.update(judging_fields(optional, record, sample))
        split = record.get("split", "train")
        with self._lock:
            counter_key = (split, step, group)
            if optional.get("index") is not None:
                index = int(optional["index"])
            else:
                index = self._next_index.get(counter_key, 0)
            self._next_index[counter_key] = max(self._next_index.get(counter_key, 0), index + 1)
            record["index"] = index
            # allow_nan=False is a second guard for NaN hidden in meta/ground_truth.
            line = json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"
            data = line.encode("utf-8")
            written = os.write(self._fd, data)
            if written != len(data):  # regular files do not short-write unless the disk is full
                raise OSError(f"short write to {self.path}: {written} of {len(data)} bytes")
            self.count += 1
        return record

    def _image_store(self):
        if self._images is None:
            self._images = ImageStore(os.path.dirname(os.path.abspath(self.path)), self._copy_images)
        return self._images

    def _turns(self, turns, sample, copy_images):
        # Copies: the caller's turn dicts keep their PIL images or paths.
        out = []
        for i, turn in enumerate(turns):
            if isinstance(turn, dict) and turn.get("images") is not None:
                turn = dict(turn, images=self._image_store().refs(turn["images"], f"{sample} turns[{i}].images", copy_images))
            out.append(turn)
        return out

    def close(self):
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
