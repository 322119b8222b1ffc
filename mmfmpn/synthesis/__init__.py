"""Synthetic data: a parametric face posing the seven CK+ expressions, written in the raw CK+
layout (:mod:`.ckplus`, :mod:`.face_model`), the same faces in the JAFFE layout (:mod:`.jaffe`),
real photos moved through the same expressions (:mod:`.real_faces`), and a tiny aligned stand-in
(:mod:`.tiny_ckplus`).

Generators, not datasets: they write files that the converters and dataset classes read.
"""
from .ckplus import generate_synthetic_ckplus
from .jaffe import generate_synthetic_jaffe
from .tiny_ckplus import make_tiny_ckplus

__all__ = ['generate_synthetic_ckplus', 'generate_synthetic_jaffe', 'make_tiny_ckplus']
