from .fmpn import FMPNClassifier

__all__ = ['FMPNClassifier']
