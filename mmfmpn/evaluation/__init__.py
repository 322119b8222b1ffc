from .motion_mask_metric import MotionMaskError

__all__ = ['MotionMaskError']
