"""Inference with trained FMPN models."""
from .face_detection import FaceDetection, MTCNNFaceDetector, mtcnn_weights_dir
from .inference import (ALIGNED_CROP_SIZE, FACE_SOURCES, AlignedFace,
                        CheckpointMismatchError, ExpressionPrediction,
                        FMPNInferencer, InferenceInputError,
                        five_points_from_landmarks, fmpn_inference_config,
                        init_fmpn_model, read_image,
                        strip_motion_mask_transforms)

__all__ = [
    'ALIGNED_CROP_SIZE', 'FACE_SOURCES', 'AlignedFace',
    'CheckpointMismatchError',
    'ExpressionPrediction', 'FMPNInferencer', 'FaceDetection',
    'InferenceInputError', 'MTCNNFaceDetector', 'five_points_from_landmarks',
    'fmpn_inference_config', 'init_fmpn_model', 'mtcnn_weights_dir',
    'read_image', 'strip_motion_mask_transforms'
]
