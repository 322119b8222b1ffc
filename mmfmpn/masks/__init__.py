"""Face alignment, landmarks and ground-truth facial motion masks (numpy, OpenCV only)."""
from .alignment import (ALIGNED_FACE_SIZE, REFERENCE_FIVE_POINTS, align_face, alignment_matrix,
                        estimate_similarity_transform, transform_points)
from .image_io import read_gray_image, read_image_file, write_png_atomic
from .landmark_prior import DEFAULT_EXTRA_POINT_OFFSETS, landmark_key_points, landmark_prior_map
from .landmarks import (NOSE_INDEX, ckplus_frame_key, five_alignment_points, five_points_from_68,
                        load_mtcnn_five_points)
from .motion_masks import (class_motion_masks, equalize_motion_mask, mean_absolute_difference,
                           motion_mask_montage)

__all__ = [
    'ALIGNED_FACE_SIZE', 'REFERENCE_FIVE_POINTS', 'align_face', 'alignment_matrix',
    'estimate_similarity_transform', 'transform_points', 'NOSE_INDEX', 'ckplus_frame_key',
    'five_alignment_points', 'five_points_from_68', 'load_mtcnn_five_points', 'read_gray_image',
    'read_image_file', 'write_png_atomic', 'class_motion_masks', 'equalize_motion_mask',
    'mean_absolute_difference', 'motion_mask_montage', 'DEFAULT_EXTRA_POINT_OFFSETS',
    'landmark_key_points', 'landmark_prior_map'
]
