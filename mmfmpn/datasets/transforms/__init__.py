from .formatting import MotionMaskToTensor
from .loading import LoadMotionMask
from .processing import RandomFiveCrop

__all__ = ['LoadMotionMask', 'MotionMaskToTensor', 'RandomFiveCrop']
