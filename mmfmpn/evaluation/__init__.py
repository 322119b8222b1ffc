from .motion_mask_metric import MotionMaskError
from .prediction_dump import DumpPredictionsJSON, write_predictions_json

__all__ = ['MotionMaskError', 'DumpPredictionsJSON', 'write_predictions_json']
