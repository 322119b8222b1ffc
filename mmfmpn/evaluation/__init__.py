from .motion_mask_metric import MotionMaskError
from .prediction_dump import DumpPredictionsJSON

__all__ = ['MotionMaskError', 'DumpPredictionsJSON']
