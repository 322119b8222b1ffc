"""A real check on real photos: the London Set neutral/smiling pairs give a "happy minus neutral"
mask with the smile where the mouth is."""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mmfmpn.apis.face_detection import mtcnn_weights_dir
from mmfmpn.datasets.annotation_file import read_annotation_file
from mmfmpn.datasets.converters import prepare_london_faces
from mmfmpn.datasets.converters.common import DetectedLandmarks, read_image
from mmfmpn.masks.motion_masks import class_motion_masks

LONDON = Path(__file__).resolve().parents[2] / 'shared' / 'reference' / 'london-faces'
#: People used: four keep the test short on two shared cores.
PEOPLE = 4

pytestmark = [
    pytest.mark.skipif(not LONDON.is_dir(), reason='../shared/reference/london-faces is absent'),
    pytest.mark.skipif(
        mtcnn_weights_dir() is None, reason='the MTCNN weights (pip install mtcnn) are absent'),
]


@pytest.fixture(scope='module')
def london_subset(tmp_path_factory):
    root = tmp_path_factory.mktemp('london') / 'london-faces'
    people = json.loads((LONDON / 'annotations.json').read_text())[:PEOPLE]
    for person in people:
        for kind in ('neutral', 'smiling'):
            (root / person[kind]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(LONDON / person[kind], root / person[kind])
    (root / 'annotations.json').write_text(json.dumps(people))
    return root, people


def test_detector_agrees_with_the_lab_landmarks_of_the_neutral_photos(london_subset):
    root, people = london_subset
    detect = DetectedLandmarks()
    for person in people:
        found = detect(person['neutral'], read_image(root / person['neutral']), '')
        lab = np.array(person['neutral_landmarks_5'])
        errors = np.linalg.norm(found - lab, axis=1)
        # Pupils and mouth corners agree; the lab's 5th point is the nose bottom, not the tip.
        assert errors[[0, 1]].max() < 6 and errors[[3, 4]].max() < 8, errors


def test_happy_minus_neutral_mask_lights_up_the_mouth(london_subset, tmp_path):
    root, _ = london_subset
    out = tmp_path / 'london'
    prepare_london_faces(root, out)
    rows = read_annotation_file(out / 'annotations.csv')
    assert [r.label for r in rows] == ['happy'] * PEOPLE
    assert all(r.landmarks.shape == (5, 2) for r in rows)
    mask = class_motion_masks([out / r.image for r in rows], [out / r.neutral for r in rows],
                              [0] * PEOPLE, 1)[0].astype(float)
    mouth, nose_bridge = mask[48:56, 25:45].mean(), mask[18:32, 30:40].mean()
    assert mouth > nose_bridge + 50, (mouth, nose_bridge)
