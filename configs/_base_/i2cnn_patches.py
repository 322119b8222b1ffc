# I2CNN's patches (after DeepID, Sun et al., CVPR 2014): five global regions of the face
# and five local regions centred on the five points (image-left eye, image-right eye,
# nose tip, image-left and image-right mouth corner), each at three scales. The paper
# names the regions but not their boxes; these are ours. A region's centre is `anchor`
# (weights of the five points) + `offset`, its `size` is (width, height) at scale 1,
# both in face units: the distance from the eye midpoint to the mouth-corner midpoint
# (the eyes are about 0.87 units apart, the nose tip 0.5 units below the eyes).
i2cnn_face_region = dict(name='face', anchor=(0.2, 0.2, 0.2, 0.2, 0.2), size=(2.0, 2.2))
i2cnn_global_regions = [
    i2cnn_face_region,
    dict(name='eyes_brows', anchor=(0.5, 0.5, 0, 0, 0), offset=(0, -0.15), size=(2.0, 1.0)),
    dict(name='eyes_nose', anchor=(0.25, 0.25, 0.5, 0, 0), size=(1.6, 1.0)),
    dict(name='nose_mouth_chin', anchor=(0, 0, 0, 0.5, 0.5), offset=(0, -0.1), size=(1.8, 1.2)),
    dict(name='inner_face', anchor=(0.2, 0.2, 0.2, 0.2, 0.2), size=(1.3, 1.5)),
]
i2cnn_local_regions = [
    dict(name='left_eye', anchor=(1, 0, 0, 0, 0), size=(0.8, 0.8)),
    dict(name='right_eye', anchor=(0, 1, 0, 0, 0), size=(0.8, 0.8)),
    dict(name='nose_tip', anchor=(0, 0, 1, 0, 0), size=(0.8, 0.8)),
    dict(name='left_mouth_corner', anchor=(0, 0, 0, 1, 0), size=(0.8, 0.8)),
    dict(name='right_mouth_corner', anchor=(0, 0, 0, 0, 1), size=(0.8, 0.8)),
]
i2cnn_scales = (1.0, 1.3, 1.6)
# The paper's sizes: each patch resized to 256, a random 227 crop in training, the
# centre crop in testing.
i2cnn_patch_size = 256
i2cnn_crop_size = 227
# I2CNN-60's ten regions.
i2cnn_regions = i2cnn_global_regions + i2cnn_local_regions

# The patches of each variant: I2CNN-1 the whole face, I2CNN-5 the five local regions
# (one scale, no flips), I2CNN-60 the ten regions at three scales and flipped; and the
# variant's pipelines (a random crop in training, the centre crop in testing). A variant
# config picks its pipelines, e.g. `_base_.i2cnn_pipelines.i2cnn5.train`.
i2cnn_patches = dict(
    i2cnn1=dict(
        type='FacePatches',
        regions=[i2cnn_face_region],
        patch_size=i2cnn_patch_size,
        crop_size=i2cnn_crop_size),
    i2cnn5=dict(
        type='FacePatches',
        regions=i2cnn_local_regions,
        patch_size=i2cnn_patch_size,
        crop_size=i2cnn_crop_size),
    i2cnn60=dict(
        type='FacePatches',
        regions=i2cnn_regions,
        scales=i2cnn_scales,
        flip=True,
        patch_size=i2cnn_patch_size,
        crop_size=i2cnn_crop_size))
i2cnn_pipelines = {
    variant:
    dict(
        train=[
            dict(type='LoadImageFromFile'),
            dict(patches, random_crop=True),
            dict(type='PackInputs'),
        ],
        test=[dict(type='LoadImageFromFile'), patches,
              dict(type='PackInputs')],
    )
    for variant, patches in i2cnn_patches.items()
}
