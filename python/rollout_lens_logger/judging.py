"""The native fields of rewards that no rule checks (docs/native-format.md, issue #28), checked before
a line is written, with the same shapes the extension reads back (src/core/ingest/judgingFields.ts):

- ``pairwise``: ``{"reference": True}`` on a group's reference sample (Writing-Zero BRPO), or
  ``{"against": <the reference's index in the group>, "votes": [{"order": "ab" | "ba", "win": True |
  False | None, "score": …, "against_score": …, "critique": "…"}]}`` (``ab``: this sample shown first;
  ``win=None`` is a tie);
- ``reward_models``: names of ``components`` that are separate reward models, averaged per model
  (LongWriter-Zero), and ``length_range``: ``[low, high]`` words predicted by the length model;
- ``p_reward`` (in [0, 1]) and ``logp_reward`` (<= 0; -inf is written as null, "no answer part"),
  ``answer_offset`` (where ``<answer`` starts in the response; VeriFree);
- ``stage``: Cog-Rethinker's ``direct`` / ``decompose`` / ``reflect``.

A bad value raises ValueError naming the sample and the field: the extension would store the sample
without it, and a trainer should hear about it while it can still fix the call.
"""

import math

STAGES = ("direct", "decompose", "reflect")
VOTE_ORDERS = ("ab", "ba")


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _int_at_least_0(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def utf16_length(text):
    """Length of ``text`` in UTF-16 code units: how the extension (JavaScript) indexes a response."""
    return len(text.encode("utf-16-le")) // 2


def check_pairwise(value, index, where):
    if not isinstance(value, dict):
        raise ValueError(f"{where}: pairwise must be a dict, got {type(value).__name__}")
    if value.get("reference") is True:
        if set(value) != {"reference"}:
            raise ValueError(f"{where}: pairwise of the reference holds only reference=True, got keys {sorted(value)}")
        return {"reference": True}
    against = value.get("against")
    if not _int_at_least_0(against):
        raise ValueError(f"{where}: pairwise.against (the reference's index in the group) must be an int >= 0, got {against!r}")
    if index is not None and against == index:
        raise ValueError(f"{where}: pairwise.against names the sample itself (index {index})")
    votes = value.get("votes")
    if not isinstance(votes, (list, tuple)):
        raise ValueError(f"{where}: pairwise.votes must be a list, got {type(votes).__name__}")
    out = []
    for i, vote in enumerate(votes):
        at = f"{where}: pairwise.votes[{i}]"
        if not isinstance(vote, dict):
            raise ValueError(f"{at} must be a dict, got {type(vote).__name__}")
        unknown = set(vote) - {"order", "win", "score", "against_score", "critique"}
        if unknown:
            raise ValueError(f"{at} has unknown key(s) {sorted(unknown)}")
        if vote.get("order") not in VOTE_ORDERS:
            raise ValueError(f"{at}.order must be 'ab' (this sample first) or 'ba', got {vote.get('order')!r}")
        if "win" not in vote or not any(vote["win"] is x for x in (True, False, None)):
            raise ValueError(f"{at}.win must be True, False or None (a tie), got {vote.get('win', 'nothing')!r}")
        v = {"order": vote["order"], "win": vote["win"]}
        for key in ("score", "against_score"):
            if vote.get(key) is not None:
                if not _number(vote[key]):
                    raise ValueError(f"{at}.{key} must be a finite number, got {vote[key]!r}")
                v[key] = vote[key]
        if vote.get("critique") is not None:
            if not isinstance(vote["critique"], str):
                raise ValueError(f"{at}.critique must be a str, got {type(vote['critique']).__name__}")
            v["critique"] = vote["critique"]
        out.append(v)
    ab = sum(1 for v in out if v["order"] == "ab")
    if ab * 2 != len(out):
        raise ValueError(
            f"{where}: pairwise.votes has {ab} in order ab and {len(out) - ab} in order ba; "
            "BRPO judges both orders equally often"
        )
    return {"against": against, "votes": out}


def check_reward_models(models, length_range, components, where):
    if not isinstance(models, (list, tuple)) or not models or not all(isinstance(m, str) for m in models):
        raise ValueError(f"{where}: reward_models must be a non-empty list of component names, got {models!r}")
    missing = [m for m in models if m not in (components or {})]
    if missing:
        raise ValueError(f"{where}: reward_models names {missing}, not in components")
    if length_range is None:
        return list(models), None
    if (
        not isinstance(length_range, (list, tuple))
        or len(length_range) != 2
        or not all(_number(x) for x in length_range)
        or not 0 <= length_range[0] <= length_range[1]
    ):
        raise ValueError(f"{where}: length_range must be [low, high] words with 0 <= low <= high, got {length_range!r}")
    return list(models), list(length_range)


def check_answer(p_reward, logp_reward, answer_offset, response, where):
    """The VeriFree fields as written: (p_reward, logp_reward, answer_offset), each None when left out."""
    if p_reward is not None and (not _number(p_reward) or not 0 <= p_reward <= 1):
        raise ValueError(f"{where}: p_reward must be a probability in [0, 1], got {p_reward!r}")
    logp = logp_reward
    if logp is not None:
        if isinstance(logp, float) and logp == -math.inf:
            logp = "-inf"  # written as null: no answer part, p = 0
        elif not _number(logp) or logp > 0:
            raise ValueError(f"{where}: logp_reward must be a log-probability <= 0 (or -inf), got {logp!r}")
    if answer_offset is not None:
        if p_reward is None and logp_reward is None:
            raise ValueError(f"{where}: answer_offset is read only with p_reward or logp_reward")
        size = utf16_length(response)
        if not _int_at_least_0(answer_offset) or answer_offset > size:
            raise ValueError(
                f"{where}: answer_offset must be an offset in the response (0-{size} UTF-16 code units), got {answer_offset!r}"
            )
    return p_reward, logp, answer_offset


def check_stage(stage, where):
    if stage not in STAGES:
        raise ValueError(f"{where}: stage must be one of {', '.join(STAGES)}, got {stage!r}")
    return stage


def judging_fields(optional, record, where):
    """The judging fields of one ``write()`` call, checked, in the order they are written."""
    out = {}
    if optional.get("pairwise") is not None:
        out["pairwise"] = check_pairwise(optional["pairwise"], optional.get("index"), where)
    if optional.get("length_range") is not None and optional.get("reward_models") is None:
        raise ValueError(f"{where}: length_range is read only with reward_models (the components that are reward models)")
    if optional.get("reward_models") is not None:
        models, length_range = check_reward_models(optional["reward_models"], optional.get("length_range"), record.get("components"), where)
        out["reward_models"] = models
        if length_range is not None:
            out["length_range"] = length_range
    p, logp, offset = check_answer(
        optional.get("p_reward"), optional.get("logp_reward"), optional.get("answer_offset"), record["response"], where
    )
    if p is not None:
        out["p_reward"] = p
    if logp is not None:
        out["logp_reward"] = None if logp == "-inf" else logp
    if offset is not None:
        out["answer_offset"] = offset
    if optional.get("stage") is not None:
        out["stage"] = check_stage(optional["stage"], where)
    return out
