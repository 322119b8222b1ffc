"""Inference with trained FMPN models."""
from .face_alignment import (FACE_SOURCES, AlignedFace, FaceAligner, InferenceInputError,
                             five_points_from_landmarks, read_image)
from .face_detection import FaceDetection, MTCNNFaceDetector, mtcnn_weights_dir
from .inference import CheckpointMismatchError, FMPNInferencer, init_fmpn_model

__all__ = [
    'FACE_SOURCES', 'AlignedFace', 'FaceAligner', 'CheckpointMismatchError', 'FMPNInferencer',
    'FaceDetection', 'InferenceInputError', 'MTCNNFaceDetector', 'five_points_from_landmarks',
    'init_fmpn_model', 'mtcnn_weights_dir', 'read_image'
]
