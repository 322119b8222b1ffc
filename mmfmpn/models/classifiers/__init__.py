from .fmpn import FMPNClassifier, bare_classifier_cfg
from .multi_patch import MultiPatchClassifier

__all__ = ['FMPNClassifier', 'MultiPatchClassifier', 'bare_classifier_cfg']
