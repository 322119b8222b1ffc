"""Models that train one part of FMPN alone, before the classifier."""
from .motion_mask_generator_model import MotionMaskGeneratorModel

__all__ = ['MotionMaskGeneratorModel']
