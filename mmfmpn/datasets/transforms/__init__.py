from .formatting import MotionMaskToTensor
from .landmark_prior import LandmarkPriorMask
from .loading import LoadMotionMask
from .processing import RandomFiveCrop

__all__ = [
    'LandmarkPriorMask', 'LoadMotionMask', 'MotionMaskToTensor',
    'RandomFiveCrop'
]
