from .motion_mask_generator import FacialMotionMaskGenerator
from .prior_fusion import PriorFusionNet, WeightedSumPriorFusion
from .residual_block import ResidualBlock

__all__ = ['FacialMotionMaskGenerator', 'PriorFusionNet', 'WeightedSumPriorFusion', 'ResidualBlock']
