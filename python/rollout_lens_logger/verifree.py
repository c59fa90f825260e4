"""VeriFree samples: the reward is the policy's own probability of the reference answer.

VeriFree (sail-sg/VeriFree, read at 718b363, ``verifree.py``) splits each response at the first
``<answer`` (``VeriFreeActor.step``: ``model_response.find("<answer")``): the text before it, plus
``<answer`` itself, is the thinking the policy is trained on with the advantage; the reference answer
``> \\boxed{…} </answer>`` is put after it and its tokens' summed log-probability is ``logp_reward``
(``VeriFreeLearner.learn``). A response with no ``<answer``, or one cut off at the length limit, gets
``logp_reward = -inf``, so p = 0. With ``--reward_source p`` (its run.sh) the reward is
p = exp(logp_reward) (``learning_step``; oat's ``reward_scale`` is 1 unless set).

    from rollout_lens_logger.verifree import verifree_fields
    w.write(step, group, prompt, response, reward=p, **verifree_fields(response, logp))
"""

import math

from .judging import utf16_length

ANSWER_TAG = "<answer"


def answer_offset(response):
    """Where the answer part starts, as VeriFree splits: the index of the first ``<answer``, or None.

    In UTF-16 code units, as the extension indexes the response (equal to Python's index unless a
    character outside the Basic Multilingual Plane, such as an emoji, comes before it).
    """
    at = response.find(ANSWER_TAG)
    return None if at < 0 else utf16_length(response[:at])


def p_from_logp(logp_reward):
    """p(reference) = exp(logp_reward); 0 for -inf (no answer part, or truncated)."""
    return 0.0 if logp_reward == -math.inf else math.exp(logp_reward)


def verifree_fields(response, logp_reward):
    """``p_reward``, ``logp_reward`` and ``answer_offset`` for ``RolloutWriter.write(**…)``."""
    return {"p_reward": p_from_logp(logp_reward), "logp_reward": logp_reward, "answer_offset": answer_offset(response)}
