from .motion_mask_visualization_hook import MotionMaskVisualizationHook

__all__ = ['MotionMaskVisualizationHook']
