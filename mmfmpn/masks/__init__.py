"""Face alignment and ground-truth facial motion masks (numpy, OpenCV only)."""
from .alignment import (REFERENCE_FIVE_POINTS, align_face, alignment_matrix,
                        ckplus_frame_key, estimate_similarity_transform,
                        five_points_from_68, load_mtcnn_five_points,
                        transform_points)
from .image_io import (read_gray_image, read_image_file, write_bytes_atomic,
                       write_png_atomic, write_text_atomic)
from .landmark_prior import (DEFAULT_EXTRA_POINT_OFFSETS, landmark_key_points,
                             landmark_prior_map)
from .motion_masks import (class_motion_masks, equalize_motion_mask,
                           mean_absolute_difference, motion_mask_montage)

__all__ = [
    'REFERENCE_FIVE_POINTS', 'align_face', 'alignment_matrix',
    'ckplus_frame_key', 'estimate_similarity_transform', 'five_points_from_68',
    'load_mtcnn_five_points', 'transform_points', 'read_gray_image', 'read_image_file',
    'write_bytes_atomic', 'write_png_atomic', 'write_text_atomic',
    'class_motion_masks', 'equalize_motion_mask', 'mean_absolute_difference',
    'motion_mask_montage', 'DEFAULT_EXTRA_POINT_OFFSETS',
    'landmark_key_points', 'landmark_prior_map'
]
