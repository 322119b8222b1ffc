"""Expressive sequences made from real neutral photos: landmark motion, mesh warp, rendering.

:mod:`.landmarks` (London 189 points -> 68), :mod:`.expression_transfer` (FACS landmark motion
and the warp), :mod:`.photo_rendering` (mouth interior, creases, lighting), :mod:`.ckplus` (raw
CK+ layout writer) and :mod:`.london_assets` (the crops the repository ships).
"""
from .ckplus import generate_real_face_ckplus, read_faces
from .expression_transfer import landmark_motion, warp_to_landmarks
from .landmarks import london_to_ibug68

__all__ = [
    'generate_real_face_ckplus', 'read_faces', 'landmark_motion', 'warp_to_landmarks',
    'london_to_ibug68'
]
