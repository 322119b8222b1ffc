from .fmpn import FMPNClassifier
from .multi_patch import MultiPatchClassifier

__all__ = ['FMPNClassifier', 'MultiPatchClassifier']
