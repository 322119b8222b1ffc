from .face_patches import FacePatches
from .formatting import MotionMaskToTensor
from .landmark_prior import LandmarkPriorMask
from .loading import LoadMotionMask, is_dataset_sample
from .processing import MotionMaskBroadcaster, RandomFiveCrop

__all__ = [
    'FacePatches', 'LandmarkPriorMask', 'LoadMotionMask', 'MotionMaskBroadcaster',
    'MotionMaskToTensor', 'RandomFiveCrop', 'is_dataset_sample'
]
