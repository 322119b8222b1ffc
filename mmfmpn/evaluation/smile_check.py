"""Does a model see real smiles? Smile-vs-neutral separation on photo pairs of real people.

For each person a neutral and a smiling photo: the model's probability of ``happy`` on each.
A model that reads the smile ranks every smiling photo above every neutral one (ROC AUC 1);
chance is 0.5. The smile->happy rate counts smiles whose top class is happy.
"""
from typing import Dict, NamedTuple, Sequence

import numpy as np
from sklearn.metrics import roc_auc_score


class PairScores(NamedTuple):
    """One person's two photos scored by a model.

    Args:
        subject (str): The person.
        neutral_happy (float): P(happy) of the neutral photo, in [0, 1].
        smiling_happy (float): P(happy) of the smiling photo, in [0, 1].
        neutral_class (str): Top class of the neutral photo.
        smiling_class (str): Top class of the smiling photo.
    """
    subject: str
    neutral_happy: float
    smiling_happy: float
    neutral_class: str
    smiling_class: str


def smile_check_summary(pairs: Sequence[PairScores], happy: str = 'happy') -> Dict[str, float]:
    """Per-photo AUC of P(happy), smiling photos against neutral ones, and hit rates.

    Args:
        pairs (Sequence[PairScores]): At least one person.
        happy (str): Name of the happy class. Defaults to ``'happy'``.

    Returns:
        dict[str, float]: ``auc`` (ROC AUC of P(happy) over the ``2 N`` photos),
        ``pair_accuracy`` (share of people whose smile scores higher than their neutral face),
        ``smile_to_happy`` and ``neutral_to_happy`` (share of photos whose top class is happy)
        and ``num_people``.

    Raises:
        ValueError: No pair.
    """
    if not pairs:
        raise ValueError('need at least one neutral/smiling pair')
    scores = np.array([[pair.neutral_happy, pair.smiling_happy] for pair in pairs])
    labels = np.tile([0, 1], len(pairs))
    return dict(
        auc=float(roc_auc_score(labels, scores.ravel())),
        pair_accuracy=float(np.mean(scores[:, 1] > scores[:, 0])),
        smile_to_happy=float(np.mean([pair.smiling_class == happy for pair in pairs])),
        neutral_to_happy=float(np.mean([pair.neutral_class == happy for pair in pairs])),
        num_people=len(pairs))
