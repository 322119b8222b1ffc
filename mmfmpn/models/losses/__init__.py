from .motion_mask_loss import MotionMaskLoss

__all__ = ['MotionMaskLoss']
