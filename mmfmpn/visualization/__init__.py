"""Drawings of FMPN predictions."""
from .expression_figure import (annotate_frame, draw_face_region, mask_heat_overlay,
                                probability_bars, render_prediction)

__all__ = [
    'annotate_frame', 'draw_face_region', 'mask_heat_overlay', 'probability_bars',
    'render_prediction'
]
