"""Parametric face for the synthetic CK+ set: identity, FACS action units, landmarks, rendering.

Geometry lives in *face units*: x points to the image right, y points down, the origin is midway
between the eye centres at eye height, and one unit is about half the face width at eye height.
A frame is made in two steps:

1. :func:`build_face` turns a :class:`FaceIdentity` and action-unit intensities into a
   :class:`FaceDrawing`: dense feature curves (jaw, brows, lids, lips, folds) as polygons and
   polylines, and the 68 iBUG landmarks sampled from those same curves.
2. :func:`render_frame` projects the drawing through a :class:`CaptureSetup` (yaw, roll, scale,
   position, lighting) and rasterises it, so the image-space landmarks it returns lie exactly on
   the drawn features.

Sides follow the image: "left" is the image left, which is the subject's right (iBUG points
17-21 and 36-41). FACS's unilateral codes keep the subject's side: ``L14`` moves the subject's
left mouth corner, which is landmark 54 on the image right.
"""
import functools
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import List, Mapping, NamedTuple, Optional, Tuple

import cv2
import numpy as np

#: Width and height of a CK+ frame in pixels.
IMAGE_SIZE = (640, 490)

#: Action units the face can move. ``L14`` / ``R14`` are the dimpler on the subject's left / right.
ACTION_UNITS = ('AU1', 'AU2', 'AU4', 'AU5', 'AU6', 'AU7', 'AU9', 'AU10', 'AU12', 'L14', 'R14',
                'AU15', 'AU16', 'AU17', 'AU20', 'AU23', 'AU24', 'AU25', 'AU26')

#: Prototype action units of each CK+ expression at full intensity (after the FACS
#: prototypes CK+ labels were validated against); contempt is unilateral, its side is drawn
#: per sequence by :func:`sample_expression_action_units`.
EXPRESSION_ACTION_UNITS: Mapping[str, Mapping[str, float]] = MappingProxyType({
    'anger':
    MappingProxyType({
        'AU4': 1.0,
        'AU5': 0.5,
        'AU7': 1.0,
        'AU23': 1.0,
        'AU24': 0.7
    }),
    'contempt':
    MappingProxyType({'R14': 1.0}),
    'disgust':
    MappingProxyType({
        'AU4': 0.4,
        'AU9': 1.0,
        'AU10': 0.8,
        'AU15': 0.6,
        'AU16': 0.5,
        'AU25': 0.4
    }),
    'fear':
    MappingProxyType({
        'AU1': 1.0,
        'AU2': 0.8,
        'AU4': 0.7,
        'AU5': 1.0,
        'AU20': 1.0,
        'AU25': 0.7,
        'AU26': 0.4
    }),
    'happy':
    MappingProxyType({
        'AU6': 1.0,
        'AU12': 1.0,
        'AU25': 0.7
    }),
    'sadness':
    MappingProxyType({
        'AU1': 1.0,
        'AU4': 0.7,
        'AU15': 1.0,
        'AU17': 0.6
    }),
    'surprise':
    MappingProxyType({
        'AU1': 1.0,
        'AU2': 1.0,
        'AU5': 1.0,
        'AU25': 0.6,
        'AU26': 1.0
    }),
})

# Parameters along the feature curves at which the iBUG landmarks are sampled.
_JAW_PARAMS = np.linspace(0.0, 1.0, 17)
_BROW_PARAMS = np.linspace(0.0, 1.0, 5)  # inner (0) to outer (1) end
_EYE_UPPER_PARAMS = np.array([0.0, 1 / 3, 2 / 3, 1.0])  # image-left corner to image-right
_EYE_LOWER_PARAMS = np.array([2 / 3, 1 / 3])
_MOUTH_OUTER_UPPER_PARAMS = np.array([-1.0, -0.6, -0.25, 0.0, 0.25, 0.6, 1.0])
_MOUTH_OUTER_LOWER_PARAMS = np.array([0.6, 0.25, 0.0, -0.25, -0.6])
_MOUTH_INNER_UPPER_PARAMS = np.array([-0.85, -0.4, 0.0, 0.4, 0.85])
_MOUTH_INNER_LOWER_PARAMS = np.array([0.4, 0.0, -0.4])
# Lips meet at the inner mouth corners, at this fraction of the outer half width.
_INNER_CORNER = 0.85
_DENSE = 33  # samples per drawn curve

# Head depth model for yaw: an elliptic cylinder with a nose ridge, in face units.
_HEAD_DEPTH = 0.8
_HEAD_HALF_WIDTH = 1.15


@dataclass(frozen=True)
class FaceIdentity:
    """Everything that makes one synthetic subject look like themselves.

    Lengths are in face units (see the module docstring), gray levels in [0, 255].

    Args:
        face_half_width (float): Jaw half width at landmark 0 / 16.
        jaw_top_y (float): Height of landmarks 0 and 16 (below the eye line when positive).
        jaw_squareness (float): Superellipse exponent of the jaw, 2 = elliptic, 3 = square.
        cranium_height (float): Top of the skull above the eye line.
        cranium_bulge (float): Extra skull width at the temples, relative.
        eye_half_spacing (float): Half the distance between the eye centres.
        eye_half_width (float): Half the corner-to-corner width of one eye.
        eye_opening (float): Lid-to-lid opening of a neutral eye.
        canthal_tilt (float): How much higher the outer eye corner sits than the inner one.
        right_eye_offset_y (float): Vertical offset of the image-right eye (asymmetry).
        iris_radius (float): Iris radius.
        brow_height (float): Height of the brow top edge above the eye line at its inner end.
        brow_inner_x (float): Distance of the brow inner end from the midline.
        brow_length (float): Horizontal length of one brow.
        brow_arch (float): Height of the brow arch.
        brow_thickness (float): Thickness of the brow at its inner end.
        nose_tip_y (float): Height of the nose tip (landmark 30) below the eye line.
        nose_half_width (float): Half width of the nose wings.
        philtrum_length (float): Nose base to lip midline.
        lower_face_length (float): Lip midline to chin.
        mouth_half_width (float): Half the neutral corner-to-corner mouth width.
        mouth_offset_x (float): Horizontal offset of the mouth (asymmetry).
        upper_lip_thickness (float): Upper lip red-part height at the centre.
        lower_lip_thickness (float): Lower lip red-part height at the centre.
        skin_level (float): Skin gray level.
        lip_level (float): Lip gray level.
        brow_level (float): Brow and lash gray level.
        iris_level (float): Iris gray level.
        hair_level (float): Hair gray level.
        hair_volume (float): How far the hair stands off the skull, relative.
        hairline_y (float): Height of the hairline at the midline (negative: above the eyes).
        fringe_depth (float): How far a fringe hangs below the hairline, 0 for none.
        fringe_x (float): Horizontal centre of the fringe.
        hair_length_y (float): Lowest point of long hair, or 0 for short hair.
        clothing_level (float): Gray level of the clothes.
        fold_depth (float): Depth of the neutral nasolabial folds and forehead lines (age).
    """
    face_half_width: float
    jaw_top_y: float
    jaw_squareness: float
    cranium_height: float
    cranium_bulge: float
    eye_half_spacing: float
    eye_half_width: float
    eye_opening: float
    canthal_tilt: float
    right_eye_offset_y: float
    iris_radius: float
    brow_height: float
    brow_inner_x: float
    brow_length: float
    brow_arch: float
    brow_thickness: float
    nose_tip_y: float
    nose_half_width: float
    philtrum_length: float
    lower_face_length: float
    mouth_half_width: float
    mouth_offset_x: float
    upper_lip_thickness: float
    lower_lip_thickness: float
    skin_level: float
    lip_level: float
    brow_level: float
    iris_level: float
    hair_level: float
    hair_volume: float
    hairline_y: float
    fringe_depth: float
    fringe_x: float
    hair_length_y: float
    clothing_level: float
    fold_depth: float

    @property
    def nose_base_y(self) -> float:
        """Height of the nostril base (landmark 33) below the eye line."""
        return self.nose_tip_y + 0.09

    @property
    def mouth_y(self) -> float:
        """Height of the neutral lip midline below the eye line."""
        return self.nose_base_y + self.philtrum_length

    @property
    def chin_y(self) -> float:
        """Height of the neutral chin (landmark 8) below the eye line."""
        return self.mouth_y + self.lower_face_length

    @classmethod
    def sample(cls, rng: np.random.Generator) -> 'FaceIdentity':
        """Draw a random identity.

        Args:
            rng (np.random.Generator): Source of randomness; the identity depends only on it.

        Returns:
            FaceIdentity: A new subject.
        """
        skin_level = rng.uniform(90, 185)
        hair_tone = rng.choice(3, p=[0.55, 0.3, 0.15])
        hair_level = (rng.uniform(15, 60), rng.uniform(60, 110), rng.uniform(140, 190))[hair_tone]
        nose_tip_y = rng.uniform(0.66, 0.8)
        philtrum_length = rng.uniform(0.17, 0.25)
        lower_face_length = rng.uniform(0.45, 0.58)
        chin_y = nose_tip_y + 0.09 + philtrum_length + lower_face_length
        has_fringe = rng.random() < 0.4
        has_long_hair = rng.random() < 0.35
        return cls(
            face_half_width=rng.uniform(0.93, 1.07),
            jaw_top_y=rng.uniform(0.0, 0.12),
            jaw_squareness=rng.uniform(2.0, 3.0),
            cranium_height=rng.uniform(1.5, 1.7),
            cranium_bulge=rng.uniform(0.0, 0.08),
            eye_half_spacing=rng.uniform(0.41, 0.49),
            eye_half_width=rng.uniform(0.19, 0.23),
            eye_opening=rng.uniform(0.115, 0.15),
            canthal_tilt=rng.uniform(-0.02, 0.04),
            right_eye_offset_y=rng.uniform(-0.012, 0.012),
            iris_radius=rng.uniform(0.075, 0.088),
            brow_height=rng.uniform(0.24, 0.32),
            brow_inner_x=rng.uniform(0.1, 0.17),
            brow_length=rng.uniform(0.45, 0.56),
            brow_arch=rng.uniform(0.025, 0.075),
            brow_thickness=rng.uniform(0.035, 0.08),
            nose_tip_y=nose_tip_y,
            nose_half_width=rng.uniform(0.19, 0.26),
            philtrum_length=philtrum_length,
            lower_face_length=lower_face_length,
            mouth_half_width=rng.uniform(0.3, 0.38),
            mouth_offset_x=rng.uniform(-0.015, 0.015),
            upper_lip_thickness=rng.uniform(0.045, 0.075),
            lower_lip_thickness=rng.uniform(0.065, 0.1),
            skin_level=skin_level,
            lip_level=skin_level - rng.uniform(20, 45),
            brow_level=max(12.0, skin_level - rng.uniform(70, 120)),
            iris_level=rng.uniform(25, 90),
            hair_level=hair_level,
            hair_volume=rng.uniform(0.04, 0.14),
            hairline_y=rng.uniform(-1.15, -0.88),
            fringe_depth=rng.uniform(0.05, 0.18) if has_fringe else 0.0,
            fringe_x=rng.uniform(-0.5, 0.5),
            hair_length_y=chin_y + rng.uniform(0.2, 0.8) if has_long_hair else 0.0,
            clothing_level=rng.uniform(20, 220),
            fold_depth=rng.uniform(0.05, 0.35),
        )


@dataclass(frozen=True)
class CaptureSetup:
    """Camera, head pose and lighting of one frame.

    Args:
        center_x (float): Image x of the face-unit origin (between the eyes), pixels.
        center_y (float): Image y of the face-unit origin, pixels.
        pixels_per_unit (float): Scale, pixels per face unit.
        roll_deg (float): In-plane head rotation, degrees, positive turns clockwise on screen.
        yaw_deg (float): Head turn about the vertical axis, degrees (a few at most).
        background_level (float): Gray level of the wall behind the subject.
        light_gain (float): Global exposure gain.
        light_gradient_x (float): Relative brightness change from the image centre to the
            right edge.
        light_gradient_y (float): Relative brightness change from the image centre to the
            bottom edge.
        noise_sigma (float): Standard deviation of the sensor noise, gray levels.
    """
    center_x: float
    center_y: float
    pixels_per_unit: float
    roll_deg: float
    yaw_deg: float
    background_level: float
    light_gain: float
    light_gradient_x: float
    light_gradient_y: float
    noise_sigma: float

    @classmethod
    def sample(cls, rng: np.random.Generator) -> 'CaptureSetup':
        """Draw a random setup that keeps the whole face inside a 640x490 frame.

        Args:
            rng (np.random.Generator): Source of randomness.

        Returns:
            CaptureSetup: A new setup.
        """
        return cls(
            center_x=rng.uniform(285, 355),
            center_y=rng.uniform(195, 226),
            pixels_per_unit=rng.uniform(100, 117),
            roll_deg=rng.uniform(-6, 6),
            yaw_deg=rng.uniform(-7, 7),
            background_level=rng.uniform(70, 190),
            light_gain=rng.uniform(0.8, 1.1),
            light_gradient_x=rng.uniform(-0.25, 0.25),
            light_gradient_y=rng.uniform(-0.15, 0.15),
            noise_sigma=rng.uniform(1.0, 3.0),
        )


class Stroke(NamedTuple):
    """One drawing primitive in face units.

    Args:
        points (np.ndarray): ``(N, 2)`` float64 vertices in face units.
        value (float): Gray level (paint) or relative brightness change (shading).
        thickness (float): Line thickness in face units; 0 fills the closed polygon.
    """
    points: np.ndarray
    value: float
    thickness: float = 0.0


class FaceDrawing(NamedTuple):
    """A face ready to render.

    Args:
        landmarks (np.ndarray): ``(68, 2)`` float64 iBUG landmarks in face units.
        paint (list[Stroke]): Opaque shapes in painter's order, values are gray levels.
        fine_shading (list[Stroke]): Creases and wrinkles, values are relative brightness
            changes, softened by a small blur.
        broad_shading (list[Stroke]): Shadows and highlights that model the face relief,
            softened by a large blur.
    """
    landmarks: np.ndarray
    paint: List[Stroke]
    fine_shading: List[Stroke]
    broad_shading: List[Stroke]


def sample_expression_action_units(expression: str, peak_intensity: float,
                                   rng: np.random.Generator) -> dict:
    """Peak action-unit intensities of one posed expression.

    Each prototype action unit is scaled by ``peak_intensity`` and jittered by up to 15 %, and
    contempt's unilateral dimpler lands on a random side.

    Args:
        expression (str): One of :data:`EXPRESSION_ACTION_UNITS`.
        peak_intensity (float): Overall intensity in (0, 1].
        rng (np.random.Generator): Source of randomness.

    Returns:
        dict[str, float]: Action unit name to intensity in [0, 1].
    """
    if expression not in EXPRESSION_ACTION_UNITS:
        raise ValueError(f'unknown expression {expression!r}; expected one of '
                         f'{sorted(EXPRESSION_ACTION_UNITS)}')
    action_units = {}
    for name, weight in EXPRESSION_ACTION_UNITS[expression].items():
        if name == 'R14' and rng.random() < 0.5:
            name = 'L14'
        action_units[name] = float(
            np.clip(weight * peak_intensity * rng.uniform(0.85, 1.15), 0.0, 1.0))
    return action_units


def _complete_action_units(action_units: Mapping[str, float]) -> dict:
    """Check names and ranges and fill in the action units that are off."""
    unknown = sorted(set(action_units) - set(ACTION_UNITS))
    if unknown:
        raise ValueError(f'unknown action units {unknown}; expected names from {ACTION_UNITS}')
    for name, intensity in action_units.items():
        if not 0.0 <= intensity <= 1.0:
            raise ValueError(f'action unit {name} has intensity {intensity}; expected [0, 1]')
    return {name: float(action_units.get(name, 0.0)) for name in ACTION_UNITS}


@functools.lru_cache(maxsize=None)
def _unit_circle(num: int) -> np.ndarray:
    """``(num, 2)`` points on the unit circle (read-only, shared by every call)."""
    angles = np.linspace(0, 2 * np.pi, num, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    circle.flags.writeable = False
    return circle


def _ellipse_points(center, half_axes, angle_deg: float = 0.0, num: int = 24) -> np.ndarray:
    local = _unit_circle(num) * np.asarray(half_axes, dtype=np.float64)
    cos, sin = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    return local @ np.array([[cos, sin], [-sin, cos]]) + np.asarray(center, dtype=np.float64)


def _quadratic_curve(start, control, end, num: int = 16) -> np.ndarray:
    t = _unit_interval(num)[:, None]
    return (1 - t)**2 * np.asarray(start) + 2 * (1 - t) * t * np.asarray(control) + \
        t**2 * np.asarray(end)


@functools.lru_cache(maxsize=None)
def _unit_interval(num: int) -> np.ndarray:
    """``num`` evenly spaced values from 0 to 1 (read-only, shared by every call)."""
    values = np.linspace(0, 1, num)
    values.flags.writeable = False
    return values


def _jaw_curve(identity: FaceIdentity, au: dict, phi: np.ndarray) -> np.ndarray:
    """Jaw outline from landmark 0 (phi 0) over the chin (0.5) to landmark 16 (phi 1)."""
    theta = np.pi * phi
    exponent = 2.0 / identity.jaw_squareness
    cos, sin = np.cos(theta), np.abs(np.sin(theta))
    lowness = sin**1.5  # the jaw drop moves the chin, not the ear end
    x = -identity.face_half_width * np.sign(cos) * np.abs(cos)**exponent
    x *= 1 - 0.04 * au['AU26'] * lowness
    y = (
        identity.jaw_top_y + (identity.chin_y - identity.jaw_top_y) * sin**exponent +
        0.3 * au['AU26'] * lowness - 0.02 * au['AU17'] * lowness)
    return np.stack([x, y], axis=1)


def _cranium_curve(identity: FaceIdentity, psi: np.ndarray, inflate: float = 0.0) -> np.ndarray:
    """Skull outline from landmark 16 (psi 0) over the top to landmark 0 (psi pi)."""
    half_width = identity.face_half_width * (1 + identity.cranium_bulge * np.sin(psi)**0.5)
    x = (1 + inflate) * half_width * np.cos(psi)
    y = identity.jaw_top_y - (1 + inflate) * (identity.jaw_top_y +
                                              identity.cranium_height) * np.sin(psi)
    return np.stack([x, y], axis=1)


def _brow_curves(identity: FaceIdentity, au: dict, side: int,
                 u: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Top and bottom edge of one brow, u from the inner (0) to the outer (1) end."""
    x = side * (identity.brow_inner_x + identity.brow_length * u)
    y = (-identity.brow_height - identity.brow_arch * (1 - ((u - 0.55) / 0.55)**2) + 0.06 * u**3)
    if side > 0:
        y = y + identity.right_eye_offset_y
    lift = 0.15 * au['AU1'] * (1 - u)**1.2 + 0.13 * au['AU2'] * u**0.7 + 0.03 * au['AU2']
    drop = (0.1 - 0.04 * u) * au['AU4'] + 0.04 * au['AU9'] * (1 - u) + 0.02 * au['AU7']
    x = x - side * (0.07 * au['AU4'] + 0.02 * au['AU1']) * (1 - u)**1.5
    top = np.stack([x, y - lift + drop], axis=1)
    bottom = top + np.stack([np.zeros_like(u), identity.brow_thickness * (1 - 0.6 * u**1.5)],
                            axis=1)
    return top, bottom


def _eye_curves(identity: FaceIdentity, au: dict, side: int,
                t: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x, upper lid y and lower lid y of one eye, t from the image-left (0) to right (1) corner."""
    center_x = side * identity.eye_half_spacing
    center_y = identity.right_eye_offset_y if side > 0 else 0.0
    outer_y = center_y - identity.canthal_tilt / 2
    inner_y = center_y + identity.canthal_tilt / 2
    left_y, right_y = (outer_y, inner_y) if side < 0 else (inner_y, outer_y)
    x = center_x - identity.eye_half_width + 2 * identity.eye_half_width * t
    base = left_y + (right_y - left_y) * t
    upper_open = identity.eye_opening * 0.62 * max(
        0.15, 1 + 0.85 * au['AU5'] - 0.35 * au['AU7'] - 0.2 * au['AU6'] - 0.15 * au['AU4'] -
        0.1 * au['AU9'])
    lower_open = identity.eye_opening * 0.38 * max(
        0.1, 1 + 0.25 * au['AU5'] - 0.6 * au['AU7'] - 0.6 * au['AU6'] - 0.3 * au['AU9'])
    # The upper lid peaks towards the inner corner, the lower lid towards the outer one.
    skew = 0.25 * side
    upper = base - upper_open * np.sin(np.pi * (t + skew * t * (1 - t)))
    lower = base + lower_open * np.sin(np.pi * (t - skew * t * (1 - t)))
    return x, upper, lower


def _clip_disc_to_eye(identity: FaceIdentity,
                      au: dict,
                      side: int,
                      center,
                      radius: float,
                      num: int = 28) -> np.ndarray:
    """A disc (iris, pupil, glint) cut by the lids, as a polygon."""
    circle = _unit_circle(num)
    x = center[0] + radius * circle[:, 0]
    y = center[1] + radius * circle[:, 1]
    left_x = side * identity.eye_half_spacing - identity.eye_half_width
    t = np.clip((x - left_x) / (2 * identity.eye_half_width), 0, 1)
    _, upper, lower = _eye_curves(identity, au, side, t)
    return np.stack([x, np.clip(y, upper, np.maximum(upper, lower))], axis=1)


def _mouth_curves(identity: FaceIdentity, au: dict, s: np.ndarray) -> dict:
    """Lip curves at s in [-1, 1] (image-left corner to image-right corner).

    Returns:
        dict: ``x``, ``outer_upper``, ``inner_upper``, ``inner_lower``, ``outer_lower`` arrays
        and ``midline`` (the corners' y at s = -1 and 1 lie on it).
    """
    on_right = s >= 0
    dimpler = np.where(on_right, au['L14'], au['R14'])
    corner_dy = (-0.11 * au['AU12'] + 0.09 * au['AU15'] - 0.09 * dimpler + 0.025 * au['AU20'] +
                 0.03 * au['AU26'] - 0.01 * au['AU17'])
    corner_dx = (0.09 * au['AU12'] + 0.12 * au['AU20'] + 0.05 * dimpler - 0.05 * au['AU23'] -
                 0.03 * au['AU24'] - 0.07 * au['AU26'] + 0.01 * au['AU15'])
    x = identity.mouth_offset_x + s * (identity.mouth_half_width + corner_dx)
    midline = (
        identity.mouth_y + corner_dy * np.abs(s)**2 - 0.015 * au['AU10'] - 0.025 * au['AU17'])
    upper_open = (0.012 * au['AU25'] + 0.045 * au['AU10'] + 0.02 * au['AU12'] * au['AU25'] +
                  0.02 * au['AU26'] + 0.015 * au['AU9'])
    lower_open = (0.03 * au['AU25'] + 0.27 * au['AU26'] + 0.06 * au['AU16'] +
                  0.015 * au['AU20']) * max(0.0, 1 - 0.8 * au['AU24'] - 0.5 * au['AU17'])
    opening = np.clip(1 - (s / _INNER_CORNER)**2, 0, 1)**0.75
    thinning = max(0.3,
                   1 - 0.4 * au['AU23'] - 0.35 * au['AU24'] - 0.3 * au['AU20'] - 0.15 * au['AU12'])
    bow = 1 - 0.2 * np.exp(-(s / 0.12)**2)  # Cupid's bow dip at the centre
    inner_upper = midline - upper_open * opening
    inner_lower = midline + lower_open * opening
    outer_upper = inner_upper - (
        identity.upper_lip_thickness * thinning * np.clip(1 - s**2, 0, 1)**0.55 * bow)
    outer_lower = inner_lower + (
        identity.lower_lip_thickness * thinning *
        (1 + 0.2 * au['AU17']) * np.clip(1 - s**2, 0, 1)**0.6)
    return dict(
        x=x,
        midline=midline,
        outer_upper=outer_upper,
        inner_upper=inner_upper,
        inner_lower=inner_lower,
        outer_lower=outer_lower)


def _nose_points(identity: FaceIdentity, au: dict) -> Tuple[np.ndarray, np.ndarray, float, float]:
    """Bridge (27-30) and nostril base (31-35) landmarks, the base height and wing half width."""
    base_y = identity.nose_base_y - 0.035 * au['AU9'] - 0.015 * au['AU10']
    half_width = identity.nose_half_width * (1 + 0.1 * au['AU9'] + 0.04 * au['AU10'])
    tip_y = identity.nose_tip_y - 0.02 * au['AU9']
    bridge = np.stack([np.zeros(4), np.linspace(-0.05, tip_y, 4)], axis=1)
    nostril_base = np.stack([
        half_width * np.array([-0.8, -0.42, 0.0, 0.42, 0.8]),
        base_y + np.array([-0.045, -0.005, 0.005, -0.005, -0.045])
    ],
                            axis=1)
    return bridge, nostril_base, base_y, half_width


def _forehead_lines(identity: FaceIdentity, au: dict, brow_top_y: float) -> List[Stroke]:
    """Horizontal forehead creases: AU1 deepens the centre, AU2 the sides."""
    strokes = []
    segment_x = np.linspace(-0.62, 0.62, 8)
    for row in range(3):
        row_y = brow_top_y - 0.15 - 0.1 * row
        for x0, x1 in zip(segment_x[:-1], segment_x[1:]):
            lateral = abs(x0 + x1) / 2 / 0.62
            depth = (0.4 * identity.fold_depth + 0.9 * au['AU1'] * (1 - 0.7 * lateral) +
                     0.6 * au['AU2'] * (0.3 + 0.7 * lateral))
            xs = x0 + (x1 - x0) * _unit_interval(3)
            ys = row_y + 0.035 * (xs / 0.62)**2 + 0.008 * np.sin(7 * xs + row)
            strokes.append(Stroke(np.stack([xs, ys], axis=1), -0.3 * min(depth, 1.2), 0.018))
    return strokes


def build_face(identity: FaceIdentity, action_units: Mapping[str, float]) -> FaceDrawing:
    """Build the drawing and landmarks of a face showing some action units.

    Args:
        identity (FaceIdentity): The subject.
        action_units (Mapping[str, float]): Intensities in [0, 1] keyed by names from
            :data:`ACTION_UNITS`; missing ones are off (an empty mapping is the neutral face).

    Returns:
        FaceDrawing: Landmarks ``(68, 2)`` and strokes, all in face units.
    """
    au = _complete_action_units(action_units)

    jaw = _jaw_curve(identity, au, _unit_interval(2 * _DENSE))
    cranium = _cranium_curve(identity, np.pi * _unit_interval(2 * _DENSE))
    head_outline = np.concatenate([jaw, cranium[1:-1]])

    along = _unit_interval(_DENSE)
    brows = [_brow_curves(identity, au, side, along) for side in (-1, 1)]
    eyes = [_eye_curves(identity, au, side, along) for side in (-1, 1)]

    bridge, nostril_base, nose_base_y, nose_half_width = _nose_points(identity, au)

    s = np.linspace(-1, 1, 2 * _DENSE + 1)
    mouth = _mouth_curves(identity, au, s)
    inner_s = np.linspace(-_INNER_CORNER, _INNER_CORNER, 2 * _DENSE + 1)
    inner_mouth = _mouth_curves(identity, au, inner_s)

    landmarks = _landmarks(identity, au, bridge, nostril_base)

    paint = _paint_strokes(identity, au, head_outline, brows, eyes, nose_base_y, nose_half_width,
                           mouth, inner_mouth)
    fine, broad = _shading_strokes(identity, au, head_outline, jaw, brows, eyes, nose_base_y,
                                   nose_half_width, mouth)
    return FaceDrawing(landmarks, paint, fine, broad)


def face_landmarks(identity: FaceIdentity, action_units: Mapping[str, float]) -> np.ndarray:
    """The 68 landmarks of :func:`build_face` without drawing anything (ten times cheaper).

    Args:
        identity (FaceIdentity): The subject.
        action_units (Mapping[str, float]): Intensities in [0, 1]; missing ones are off.

    Returns:
        np.ndarray: ``(68, 2)`` float64 iBUG landmarks in face units.
    """
    au = _complete_action_units(action_units)
    bridge, nostril_base, _, _ = _nose_points(identity, au)
    return _landmarks(identity, au, bridge, nostril_base)


def _landmarks(identity: FaceIdentity, au: dict, bridge: np.ndarray,
               nostril_base: np.ndarray) -> np.ndarray:
    """The 68 iBUG landmarks, sampled from the same curves that are drawn."""
    jaw = _jaw_curve(identity, au, _JAW_PARAMS)
    left_brow = _brow_curves(identity, au, -1, _BROW_PARAMS[::-1])[0]  # 17 outer .. 21 inner
    right_brow = _brow_curves(identity, au, 1, _BROW_PARAMS)[0]  # 22 inner .. 26 outer
    eye_points = []
    for side in (-1, 1):
        x_up, upper, _ = _eye_curves(identity, au, side, _EYE_UPPER_PARAMS)
        x_low, _, lower = _eye_curves(identity, au, side, _EYE_LOWER_PARAMS)
        eye_points.append(np.stack([x_up, upper], axis=1))
        eye_points.append(np.stack([x_low, lower], axis=1))
    outer_upper = _mouth_curves(identity, au, _MOUTH_OUTER_UPPER_PARAMS)
    outer_lower = _mouth_curves(identity, au, _MOUTH_OUTER_LOWER_PARAMS)
    inner_upper = _mouth_curves(identity, au, _MOUTH_INNER_UPPER_PARAMS)
    inner_lower = _mouth_curves(identity, au, _MOUTH_INNER_LOWER_PARAMS)
    mouth_points = [
        np.stack([outer_upper['x'], outer_upper['outer_upper']], axis=1),  # 48-54
        np.stack([outer_lower['x'], outer_lower['outer_lower']], axis=1),  # 55-59
        np.stack([inner_upper['x'], inner_upper['inner_upper']], axis=1),  # 60-64
        np.stack([inner_lower['x'], inner_lower['inner_lower']], axis=1),  # 65-67
    ]
    return np.concatenate([jaw, left_brow, right_brow, bridge, nostril_base] + eye_points +
                          mouth_points)


def _front_hair(identity: FaceIdentity) -> np.ndarray:
    """Hair over the skull, from one temple over the top to the other, down to the hairline."""
    temple_y = -0.22
    psi_temple = math.asin(
        (identity.jaw_top_y - temple_y) / (identity.jaw_top_y + identity.cranium_height))
    shell = _cranium_curve(identity, np.linspace(psi_temple, np.pi - psi_temple, _DENSE),
                           identity.hair_volume)
    temple_x = _cranium_curve(identity, np.array([psi_temple]))[0, 0]
    x = np.linspace(-temple_x, temple_x, _DENSE)
    y = (
        identity.hairline_y + (temple_y - identity.hairline_y) * np.abs(x / temple_x)**3 +
        identity.fringe_depth * np.exp(-((x - identity.fringe_x) / 0.3)**2))
    return np.concatenate([shell, np.stack([x, y], axis=1)])


def _closed_curve(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Polygon bounded by two curves that share their end points."""
    return np.concatenate([upper, lower[::-1][1:-1]])


def _paint_strokes(identity: FaceIdentity, au: dict, head_outline: np.ndarray, brows: list,
                   eyes: list, nose_base_y: float, nose_half_width: float, mouth: dict,
                   inner_mouth: dict) -> List[Stroke]:
    """Opaque shapes from the back (hair, neck) to the front (eyes, brows, mouth)."""
    skin = identity.skin_level
    half_width = identity.face_half_width
    chin_y = identity.chin_y
    strokes = []
    if identity.hair_length_y > 0:
        shell = _cranium_curve(identity, np.linspace(0, np.pi, _DENSE), identity.hair_volume)
        side_x = 1.05 * shell[0, 0]
        strokes.append(
            Stroke(
                np.concatenate(
                    [shell, [[-side_x, identity.hair_length_y], [side_x, identity.hair_length_y]]]),
                identity.hair_level))
    neck_top_y = identity.jaw_top_y + 0.3
    strokes.append(
        Stroke(
            np.array([[-0.48 * half_width, neck_top_y], [0.48 * half_width, neck_top_y],
                      [0.5 * half_width, chin_y + 0.55], [1.6, chin_y + 0.95], [3.0, chin_y + 1.3],
                      [3.0, 8.0], [-3.0, 8.0], [-3.0, chin_y + 1.3], [-1.6, chin_y + 0.95],
                      [-0.5 * half_width, chin_y + 0.55]]), 0.86 * skin))
    strokes.append(
        Stroke(
            np.array([[-0.65, chin_y + 0.85], [0.0, chin_y + 1.15], [0.65, chin_y + 0.85],
                      [1.7, chin_y + 0.9], [3.2, chin_y + 1.25], [3.2, 8.0], [-3.2, 8.0],
                      [-3.2, chin_y + 1.25], [-1.7, chin_y + 0.9]]), identity.clothing_level))
    if identity.hair_length_y == 0:
        for side in (-1, 1):
            strokes.append(
                Stroke(
                    _ellipse_points((side * (half_width - 0.02), identity.jaw_top_y + 0.3),
                                    (0.12, 0.26), side * 10), 0.9 * skin))
    strokes.append(Stroke(head_outline, skin))
    strokes.append(Stroke(_front_hair(identity), identity.hair_level))

    for side, (x, upper, lower) in zip((-1, 1), eyes):
        strokes.append(
            Stroke(
                _closed_curve(np.stack([x, upper], axis=1), np.stack([x, lower], axis=1)),
                min(235.0, 0.55 * skin + 105)))
        iris_center = np.array([
            side * identity.eye_half_spacing,
            (identity.right_eye_offset_y if side > 0 else 0.0) - 0.1 * identity.eye_opening
        ])
        radius = identity.iris_radius
        strokes.append(
            Stroke(_clip_disc_to_eye(identity, au, side, iris_center, radius), identity.iris_level))
        strokes.append(
            Stroke(_clip_disc_to_eye(identity, au, side, iris_center, 0.42 * radius), 12.0))
        strokes.append(
            Stroke(
                _clip_disc_to_eye(
                    identity,
                    au,
                    side,
                    iris_center + radius * np.array([0.3, -0.35]),
                    0.2 * radius,
                    num=12), 225.0))
        strokes.append(
            Stroke(np.stack([x, upper], axis=1), min(identity.brow_level, 0.3 * skin), 0.026))
        strokes.append(Stroke(np.stack([x, lower], axis=1), 0.62 * skin, 0.012))

    for top, bottom in brows:
        strokes.append(Stroke(np.concatenate([top, bottom[::-1]]), identity.brow_level))

    for side in (-1, 1):
        strokes.append(
            Stroke(
                _ellipse_points((side * 0.42 * nose_half_width, nose_base_y - 0.035),
                                (0.055, 0.026),
                                -side * 20,
                                num=16), 0.3 * skin))

    strokes.append(
        Stroke(
            _closed_curve(
                np.stack([mouth['x'], mouth['outer_upper']], axis=1),
                np.stack([mouth['x'], mouth['outer_lower']], axis=1)), identity.lip_level))
    inner_x, inner_upper, inner_lower = (inner_mouth['x'], inner_mouth['inner_upper'],
                                         inner_mouth['inner_lower'])
    if np.max(inner_lower - inner_upper) > 0.004:
        strokes.append(
            Stroke(
                np.concatenate([
                    np.stack([inner_x, inner_upper], axis=1),
                    np.stack([inner_x, inner_lower], axis=1)[::-1]
                ]), 22.0))
        # Teeth bands are cut by the lips analytically, so they never spill over them.
        taper = np.clip(1 - (np.linspace(-1, 1, len(inner_x)))**2, 0, 1)**0.3
        upper_teeth_bottom = np.minimum(inner_upper + 0.075 * taper, inner_lower)
        lower_teeth_top = np.maximum(inner_lower - 0.035 * taper, upper_teeth_bottom)
        teeth_level = min(240.0, 0.5 * skin + 120)
        for top_y, bottom_y, level in ((inner_upper, upper_teeth_bottom, teeth_level),
                                       (lower_teeth_top, inner_lower, 0.88 * teeth_level)):
            strokes.append(
                Stroke(
                    np.concatenate([
                        np.stack([inner_x, top_y], axis=1),
                        np.stack([inner_x, bottom_y], axis=1)[::-1]
                    ]), level))
    strokes.append(
        Stroke(
            np.stack([mouth['x'], mouth['inner_upper']], axis=1), 0.45 * identity.lip_level, 0.016))
    return strokes


def _shading_strokes(identity: FaceIdentity, au: dict, head_outline: np.ndarray, jaw: np.ndarray,
                     brows: list, eyes: list, nose_base_y: float, nose_half_width: float,
                     mouth: dict) -> Tuple[List[Stroke], List[Stroke]]:
    """Creases (fine) and relief (broad) as relative brightness changes, driven by the AUs."""
    fine, broad = [], []
    inner_brow_top_y = min(brows[0][0][0, 1], brows[1][0][0, 1])
    brow_middle_y = (brows[0][0][_DENSE // 2, 1] + brows[1][0][_DENSE // 2, 1]) / 2
    fine.extend(_forehead_lines(identity, au, brow_middle_y))

    for side, (x, upper, lower), (_, brow_bottom) in zip((-1, 1), eyes, brows):
        fine.append(Stroke(np.stack([x, upper - 0.05], axis=1), -0.22, 0.016))
        lid_span = slice(_DENSE // 7, _DENSE - _DENSE // 7)
        fine.append(
            Stroke(
                np.stack([x[lid_span], lower[lid_span] + 0.045], axis=1),
                -(0.06 + 0.3 * au['AU6'] + 0.25 * au['AU7'] + 0.15 * au['AU9']), 0.018))
        outer = -1 if side > 0 else 0
        outer_corner = np.array([x[outer] + side * 0.06, upper[outer]])
        for angle in np.radians([-22.0, 0.0, 22.0]):
            end = outer_corner + 0.09 * np.array([side * math.cos(angle), math.sin(angle)])
            fine.append(
                Stroke(
                    np.stack([outer_corner, end]), -(0.28 * au['AU6'] + 0.08 * au['AU7']), 0.014))
        socket_y = (np.mean(brow_bottom[:, 1]) + np.min(upper)) / 2
        broad.append(
            Stroke(
                _ellipse_points((side * identity.eye_half_spacing, socket_y), (0.27, 0.1)),
                -(0.1 + 0.12 * au['AU4'] + 0.05 * au['AU7']) + 0.04 * au['AU2']))
        fine.append(
            Stroke(
                np.array([[side * 0.055, inner_brow_top_y - 0.03],
                          [side * 0.065, inner_brow_top_y + 0.05],
                          [side * 0.06, inner_brow_top_y + 0.13]]), -0.45 * au['AU4'], 0.018))
        fine.append(
            Stroke(np.array([[side * 0.2, -0.01], [side * 0.11, 0.2]]), -0.3 * au['AU9'], 0.018))
        fine.append(
            Stroke(
                _quadratic_curve((side * 0.95 * nose_half_width, nose_base_y - 0.13),
                                 (side * (nose_half_width + 0.05), nose_base_y - 0.05),
                                 (side * 0.75 * nose_half_width, nose_base_y - 0.01)),
                -(0.35 + 0.15 * au['AU9']), 0.016))
        broad.append(
            Stroke(
                np.array([[side * 0.11, inner_brow_top_y + 0.08],
                          [side * 0.85 * nose_half_width, nose_base_y - 0.13]]), -0.14, 0.07))
        broad.append(
            Stroke(
                _ellipse_points((side * 0.52, 0.42 - 0.1 * au['AU6'] - 0.03 * au['AU12']),
                                (0.22, 0.15)), 0.02 + 0.05 * au['AU6'] + 0.02 * au['AU12']))

        corner_index = -1 if side > 0 else 0
        corner = np.array([mouth['x'][corner_index], mouth['midline'][corner_index]])
        dimpler = au['L14'] if side > 0 else au['R14']
        fold_start = np.array([side * (nose_half_width + 0.03), nose_base_y - 0.08])
        fold_end = corner + np.array([side * 0.07, 0.1])
        fold_control = np.array([
            side * (max(abs(fold_start[0]), abs(fold_end[0])) + 0.06),
            (fold_start[1] + fold_end[1]) / 2
        ])
        fold = _quadratic_curve(fold_start, fold_control, fold_end)
        fold_depth = min(
            1.3, identity.fold_depth + 0.85 * au['AU12'] + 0.55 * au['AU9'] + 0.5 * au['AU10'] +
            0.25 * au['AU6'] + 0.5 * dimpler + 0.25 * au['AU20'])
        fine.append(Stroke(fold, -0.32 * fold_depth, 0.022))
        broad.append(Stroke(fold, -0.1 * fold_depth, 0.08))
        broad.append(Stroke(fold + np.array([side * 0.08, 0.0]), 0.06 * fold_depth, 0.08))
        fine.append(
            Stroke(
                np.stack([
                    corner + np.array([side * 0.02, 0.02]), corner + np.array([side * 0.05, 0.2])
                ]), -(0.38 * au['AU15'] + 0.1 * au['AU16']), 0.018))
        fine.append(
            Stroke(
                _quadratic_curve(
                    corner + np.array([side * 0.045, -0.05]),
                    corner + np.array([side * 0.075, 0.0]),
                    corner + np.array([side * 0.05, 0.05]),
                    num=6), -0.55 * dimpler, 0.018))

    for row_y in (0.02, 0.07, 0.12):
        xs = np.linspace(-0.11, 0.11, 5)
        fine.append(
            Stroke(
                np.stack([xs, row_y - 0.02 * (1 - (xs / 0.11)**2)], axis=1), -0.4 * au['AU9'],
                0.016))
    centre = len(mouth['x']) // 2
    lower_lip_bottom = mouth['outer_lower'][centre]
    xs = np.linspace(-0.15, 0.15, 7)
    fine.append(
        Stroke(
            np.stack([xs, lower_lip_bottom + 0.09 - 0.03 * (1 - (xs / 0.15)**2)], axis=1),
            -(0.12 + 0.35 * au['AU17']), 0.02))

    chin_y = jaw[len(jaw) // 2, 1]
    nose_tip_y = identity.nose_tip_y - 0.02 * au['AU9']
    broad.extend([
        Stroke(np.concatenate([head_outline, head_outline[:1]]), -0.14, 0.16),
        Stroke(np.array([[0.0, 0.05], [0.0, nose_tip_y - 0.1]]), 0.07, 0.05),
        Stroke(_ellipse_points((0.0, nose_tip_y - 0.03), (0.07, 0.055)), 0.1),
        Stroke(_ellipse_points((0.0, nose_base_y + 0.035), (0.85 * nose_half_width, 0.035)), -0.18),
        Stroke(
            _ellipse_points((mouth['x'][centre],
                             mouth['inner_lower'][centre] + 0.45 * identity.lower_lip_thickness),
                            (0.14, 0.02)), 0.08),
        Stroke(
            _ellipse_points((mouth['x'][centre], lower_lip_bottom + 0.06), (0.18, 0.04)),
            -0.14 - 0.1 * au['AU17']),
        Stroke(_ellipse_points((0.0, chin_y - 0.15), (0.18, 0.09)), 0.06 + 0.06 * au['AU17']),
        Stroke(jaw[len(jaw) // 5:-len(jaw) // 5] + np.array([0.0, 0.07]), -0.35, 0.16),
        Stroke(_ellipse_points((0.0, 0.6 * identity.hairline_y), (0.45, 0.2)), 0.05),
    ])
    return fine, broad


def project_to_image(points: np.ndarray, setup: CaptureSetup) -> np.ndarray:
    """Map face-unit points into the image: yaw about a head-shaped depth, then roll, scale, shift.

    Args:
        points (np.ndarray): ``(..., 2)`` points in face units.
        setup (CaptureSetup): The frame's pose.

    Returns:
        np.ndarray: ``(..., 2)`` float64 image coordinates ``(x, y)`` in pixels.
    """
    x, y = points[..., 0], points[..., 1]
    nose_ridge = 0.3 * np.exp(-(x / 0.16)**2) * np.clip(
        (y + 0.1) / 0.85, 0, 1) * np.where(y < 0.9, 1.0, np.exp(-((y - 0.9) / 0.06)**2))
    depth = _HEAD_DEPTH * np.sqrt(np.clip(1 - (x / _HEAD_HALF_WIDTH)**2, 0, 1)) + nose_ridge
    yaw, roll = math.radians(setup.yaw_deg), math.radians(setup.roll_deg)
    turned_x = x * math.cos(yaw) + (depth - _HEAD_DEPTH) * math.sin(yaw)
    image_x = setup.center_x + setup.pixels_per_unit * (
        turned_x * math.cos(roll) - y * math.sin(roll))
    image_y = setup.center_y + setup.pixels_per_unit * (
        turned_x * math.sin(roll) + y * math.cos(roll))
    return np.stack([image_x, image_y], axis=-1)


def _draw_stroke(canvas: np.ndarray, points: np.ndarray, value: float, thickness: float,
                 line_type: int) -> None:
    """Rasterise one stroke given in canvas pixels (sub-pixel accurate)."""
    # 4 fractional bits: cv2 places vertices to 1/16 pixel.
    vertices = np.round(points * 16).astype(np.int32)
    color = float(value) if canvas.dtype == np.float32 else int(round(np.clip(value, 0, 255)))
    if thickness <= 0:
        cv2.fillPoly(canvas, [vertices], color, line_type, shift=4)
    else:
        cv2.polylines(
            canvas, [vertices], False, color, max(1, int(round(thickness))), line_type, shift=4)


def _project_strokes(strokes: List[Stroke], setup: CaptureSetup) -> List[np.ndarray]:
    """Project the points of many strokes at once (one vectorised call instead of one each)."""
    points = project_to_image(np.concatenate([stroke.points for stroke in strokes]), setup)
    return np.split(points, np.cumsum([len(stroke.points) for stroke in strokes])[:-1])


def _shading_layer(strokes: List[Stroke], projected: List[np.ndarray], pixels_per_unit: float,
                   origin: np.ndarray, shape: Tuple[int, int], sigma: float) -> np.ndarray:
    """Draw shading strokes into a float ROI and soften them with a Gaussian blur."""
    layer = np.zeros(shape, np.float32)
    for stroke, points in zip(strokes, projected):
        if stroke.value != 0:
            _draw_stroke(layer, points - origin, stroke.value, stroke.thickness * pixels_per_unit,
                         cv2.LINE_8)
    return cv2.GaussianBlur(layer, (0, 0), sigma)


class SensorNoise:
    """Unit Gaussian sensor noise for the frames of one sequence.

    One padded field is drawn up front and each frame gets a crop at a random offset: noise that
    differs from frame to frame at a fraction of the cost of drawing a fresh field every time.

    Args:
        rng (np.random.Generator): Source of the field and of the per-frame offsets.
        pad (int): How far the crop can move, in pixels.
    """

    def __init__(self, rng: np.random.Generator, pad: int = 32):
        width, height = IMAGE_SIZE
        self._rng = rng
        self._pad = pad
        self._field = rng.standard_normal((height + pad, width + pad), dtype=np.float32)

    def next_field(self) -> np.ndarray:
        """Noise for the next frame.

        Returns:
            np.ndarray: ``(490, 640)`` float32, zero mean and unit variance (a read-only view).
        """
        width, height = IMAGE_SIZE
        dy, dx = self._rng.integers(0, self._pad + 1, size=2)
        field = self._field[dy:dy + height, dx:dx + width]
        field.flags.writeable = False
        return field


@functools.lru_cache(maxsize=8)
def _lighting_map(gain: float, gradient_x: float, gradient_y: float) -> np.ndarray:
    """Per-pixel exposure ``(490, 640)`` float32; cached as frames of a sequence share it."""
    width, height = IMAGE_SIZE
    gain_x = gradient_x * np.linspace(-1, 1, width, dtype=np.float32)
    gain_y = gradient_y * np.linspace(-1, 1, height, dtype=np.float32)
    lighting = (gain * (1 + np.add.outer(gain_y, gain_x))).astype(np.float32)
    lighting.flags.writeable = False
    return lighting


def render_frame(face: FaceDrawing,
                 setup: CaptureSetup,
                 unit_noise: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
    """Render a face into a CK+-sized gray frame.

    Args:
        face (FaceDrawing): The face, from :func:`build_face`.
        setup (CaptureSetup): Pose, scale, lighting and noise level.
        unit_noise (np.ndarray, optional): ``(490, 640)`` unit-variance noise (see
            :class:`SensorNoise`), scaled by ``setup.noise_sigma``; None renders without noise.

    Returns:
        tuple[np.ndarray, np.ndarray]: The image ``(490, 640)`` uint8 and the landmarks
        ``(68, 2)`` float64 in image pixels ``(x, y)``, exactly where the features are drawn.
    """
    width, height = IMAGE_SIZE
    ppu = setup.pixels_per_unit
    canvas = np.full((height, width), int(round(setup.background_level)), np.uint8)
    for stroke, points in zip(face.paint, _project_strokes(face.paint, setup)):
        _draw_stroke(canvas, points, stroke.value, stroke.thickness * ppu, cv2.LINE_AA)

    fine_sigma, broad_sigma = 0.011 * ppu, 0.05 * ppu
    fine_points = _project_strokes(face.fine_shading, setup)
    broad_points = _project_strokes(face.broad_shading, setup)
    shaded_points = np.concatenate(fine_points + broad_points)
    margin = 3 * broad_sigma + 0.15 * ppu
    x0, y0 = np.maximum(np.floor(shaded_points.min(axis=0) - margin), 0).astype(int)
    x1, y1 = np.minimum(np.ceil(shaded_points.max(axis=0) + margin), [width, height]).astype(int)
    origin, roi_shape = np.array([x0, y0], np.float64), (y1 - y0, x1 - x0)
    relief = (
        _shading_layer(face.fine_shading, fine_points, ppu, origin, roi_shape, fine_sigma) +
        _shading_layer(face.broad_shading, broad_points, ppu, origin, roi_shape, broad_sigma))

    image = canvas.astype(np.float32)
    image[y0:y1, x0:x1] *= 1 + relief
    image *= _lighting_map(setup.light_gain, setup.light_gradient_x, setup.light_gradient_y)
    # +0.5 so that the truncating cast below rounds to the nearest level.
    image += 0.5
    if unit_noise is not None:
        image += setup.noise_sigma * unit_noise
    np.clip(image, 0, 255, out=image)
    return image.astype(np.uint8), project_to_image(face.landmarks, setup)
