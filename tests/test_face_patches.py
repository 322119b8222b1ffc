"""FacePatches: where the patches land, their count, order, flips and crops."""
import numpy as np
import pytest

from mmfmpn.datasets.transforms.face_patches import FacePatches, face_unit, patch_boxes

# Eyes 20 px apart at y=50, nose tip at y=60, mouth corners at y=70: one face unit = 20 px.
FIVE_POINTS = np.array([[40., 50.], [60., 50.], [50., 60.], [42., 70.], [58., 70.]])
POINT_NAMES = ('left_eye', 'right_eye', 'nose_tip', 'left_mouth_corner', 'right_mouth_corner')
LOCAL_REGIONS = [
    dict(name=name, anchor=tuple(float(i == j) for j in range(5)), size=(0.5, 0.5))
    for i, name in enumerate(POINT_NAMES)
]
FACE_REGION = dict(name='face', anchor=(0.2, ) * 5, size=(2.0, 2.2))


def dotted_face(points=FIVE_POINTS, size=100):
    """A dark gray image with a bright 3x3 dot on each point, each dot its own level."""
    image = np.full((size, size), 20, np.uint8)
    for index, (x, y) in enumerate(np.round(points).astype(int)):
        image[y - 1:y + 2, x - 1:x + 2] = 100 + 30 * index
    return image


def test_face_unit_and_boxes_follow_the_points():
    assert face_unit(FIVE_POINTS) == pytest.approx(20.0)
    transform = FacePatches(regions=LOCAL_REGIONS + [FACE_REGION], scales=(1.0, 2.0), patch_size=11)
    boxes = patch_boxes(FIVE_POINTS, transform.regions, transform.scales)
    assert boxes.shape == (12, 4)
    # Region-major: left eye at scale 1, then at scale 2; 0.5 units = 10 px.
    np.testing.assert_allclose(boxes[0], [35, 45, 45, 55])
    np.testing.assert_allclose(boxes[1], [30, 40, 50, 60])
    # The face box is centred on the mean of the five points (50, 60), 40 x 44 px.
    np.testing.assert_allclose(boxes[10], [30, 38, 70, 82])


def test_each_local_patch_is_centred_on_its_point():
    transform = FacePatches(regions=LOCAL_REGIONS, patch_size=21)
    results = transform(dict(img=dotted_face(), landmarks=FIVE_POINTS))
    patches = results['img']
    assert patches.shape == (5, 3, 21, 21) and patches.dtype == np.uint8
    for index, patch in enumerate(patches):
        gray = patch[0].astype(int)
        # The point's own dot is at the centre, whatever the other dots do.
        assert gray[10, 10] == 100 + 30 * index
        np.testing.assert_array_equal(patch[0], patch[2])  # gray -> 3 equal channels


def test_patches_follow_a_moved_face():
    shifted = FIVE_POINTS * 1.5 + [7, 3]
    transform = FacePatches(regions=LOCAL_REGIONS, patch_size=21)
    original = transform(dict(img=dotted_face(), landmarks=FIVE_POINTS))['img']
    moved = transform(dict(img=dotted_face(shifted, 160), landmarks=shifted))['img']
    for index in range(5):
        assert moved[index, 0, 10, 10] == original[index, 0, 10, 10] == 100 + 30 * index


def test_flips_append_mirrors_in_the_same_order():
    image = np.random.default_rng(0).integers(0, 255, (100, 100, 3), dtype=np.uint8)
    plain = FacePatches(
        regions=LOCAL_REGIONS + [FACE_REGION], scales=(1.0, 1.3), patch_size=(12, 10))
    flipped = FacePatches(
        regions=LOCAL_REGIONS + [FACE_REGION], scales=(1.0, 1.3), patch_size=(12, 10), flip=True)
    assert plain.num_patches == 12 and flipped.num_patches == 24
    first = plain(dict(img=image.copy(), landmarks=FIVE_POINTS))
    both = flipped(dict(img=image.copy(), landmarks=FIVE_POINTS))
    assert both['img'].shape == (24, 3, 12, 10) and both['num_patches'] == 24
    np.testing.assert_array_equal(both['img'][:12], first['img'])
    np.testing.assert_array_equal(both['img'][12:], first['img'][..., ::-1])
    np.testing.assert_allclose(both['patch_boxes'][12:], first['patch_boxes'])


def test_sixty_patches_of_the_paper_layout_from_68_landmarks():
    regions = [FACE_REGION] * 5 + LOCAL_REGIONS
    transform = FacePatches(
        regions=regions, scales=(1.0, 1.3, 1.6), patch_size=16, crop_size=12, flip=True)
    landmarks = np.zeros((68, 2))
    landmarks[36:42], landmarks[42:48] = FIVE_POINTS[0], FIVE_POINTS[1]
    landmarks[30], landmarks[48], landmarks[54] = FIVE_POINTS[2:]
    results = transform(dict(img=dotted_face(), landmarks=landmarks))
    assert results['img'].shape == (60, 3, 12, 12)
    assert results['img_shape'] == (12, 12)


def test_centre_crop_is_fixed_and_random_crop_stays_inside():
    image = np.random.default_rng(1).integers(0, 255, (100, 100), dtype=np.uint8)
    full = FacePatches(
        regions=LOCAL_REGIONS, patch_size=16)(dict(img=image, landmarks=FIVE_POINTS))['img']
    centre = FacePatches(
        regions=LOCAL_REGIONS, patch_size=16, crop_size=12)(dict(img=image,
                                                                 landmarks=FIVE_POINTS))['img']
    np.testing.assert_array_equal(centre, full[:, :, 2:14, 2:14])
    random = FacePatches(
        regions=LOCAL_REGIONS, patch_size=16, crop_size=12,
        random_crop=True)(dict(img=image, landmarks=FIVE_POINTS))['img']
    for patch, whole in zip(random, full):
        assert any(
            np.array_equal(patch, whole[:, top:top + 12, left:left + 12]) for top in range(5)
            for left in range(5))


@pytest.mark.parametrize('region, message', [
    (dict(name='x', anchor=(1, 0, 0, 0), size=(1, 1)), 'anchor must be 5 weights'),
    (dict(name='x', anchor=(1, 1, 0, 0, 0), size=(1, 1)), 'summing to 1'),
    (dict(name='x', anchor=(1, 0, 0, 0, 0), size=(0, 1)), 'size must be'),
    (dict(name='x', anchor=(1, 0, 0, 0, 0)), 'expected keys'),
    (dict(name='x', anchor=(1, 0, 0, 0, 0), size=(1, 1), centre=(0, 0)), 'expected keys'),
])
def test_bad_regions_are_refused(region, message):
    with pytest.raises(ValueError, match=message):
        FacePatches(regions=[region])


def test_bad_sizes_and_missing_landmarks_are_refused():
    with pytest.raises(ValueError, match='larger than patch_size'):
        FacePatches(regions=LOCAL_REGIONS, patch_size=16, crop_size=20)
    with pytest.raises(ValueError, match='regions is empty'):
        FacePatches(regions=[])
    transform = FacePatches(regions=LOCAL_REGIONS, patch_size=8)
    with pytest.raises(KeyError, match='face.png has no landmarks'):
        transform(dict(img=dotted_face(), img_path='face.png'))
    with pytest.raises(ValueError, match=r'\(5, 2\) or \(68, 2\)'):
        transform(dict(img=dotted_face(), landmarks=np.zeros((4, 2))))
