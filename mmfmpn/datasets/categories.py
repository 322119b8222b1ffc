"""One source of truth for expression class names and their order per dataset."""
from types import MappingProxyType
from typing import Mapping, Optional, Sequence, Tuple, Union

#: CK+ order of the emotion codes 1..7 in ``Emotion/*_emotion.txt`` (code - 1 = index).
CKPLUS_CLASSES = ('anger', 'contempt', 'disgust', 'fear', 'happy', 'sadness', 'surprise')

#: The six basic expressions used by MMI and Oulu-CASIA.
BASIC6_CLASSES = ('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')

#: Neutral and the six basic expressions: JAFFE, and CK+'s 7-class protocol of I2CNN (the
#: first frames as neutral, no contempt). JAFFE's file-name codes NE AN DI FE HA SA SU follow
#: this order.
NEUTRAL7_CLASSES = ('neutral', ) + BASIC6_CLASSES

#: AffectNet's seven basic expressions without neutral, in AffectNet code order
#: (1 happy, 2 sad, 3 surprise, 4 fear, 5 disgust, 6 anger, 7 contempt).
AFFECTNET7_CLASSES = ('happy', 'sadness', 'surprise', 'fear', 'disgust', 'anger', 'contempt')

#: Every class list by name, so that a config can say ``mask_classes='ckplus'``.
CLASS_SETS = MappingProxyType({
    'ckplus': CKPLUS_CLASSES,
    'basic6': BASIC6_CLASSES,
    'neutral7': NEUTRAL7_CLASSES,
    'affectnet7': AFFECTNET7_CLASSES,
})


def resolve_class_names(classes: Union[str, Sequence[str]]) -> Tuple[str, ...]:
    """A class list given either by its name in :data:`CLASS_SETS` or as names.

    Args:
        classes (str | Sequence[str]): ``'ckplus'``, ``'basic6'``, ``'neutral7'``,
            ``'affectnet7'``, or the
            class names in index order.

    Returns:
        tuple[str, ...]: The class names in index order.

    Raises:
        ValueError: An unknown class-set name, an empty list or a repeated name.
    """
    if isinstance(classes, str):
        if classes not in CLASS_SETS:
            raise ValueError(f'unknown class set {classes!r}; use one of '
                             f'{", ".join(CLASS_SETS)} or give the class names in order')
        return CLASS_SETS[classes]
    names = tuple(classes)
    if not names or len(set(names)) != len(names):
        raise ValueError(f'class list {names} is empty or repeats a name; give '
                         'each class name once, in index order')
    return names


def class_index_map(source_classes: Sequence[str],
                    target_classes: Sequence[str],
                    renames: Optional[Mapping[str, str]] = None) -> Tuple[int, ...]:
    """Match two class lists by class name, e.g. a 6-class set to CK+'s 7 masks.

    Args:
        source_classes (Sequence[str]): Classes of the dataset, in index order.
        target_classes (Sequence[str]): Classes of what is borrowed (e.g. the CK+ masks
            ``C.png``), in index order.
        renames (Mapping[str, str], optional): Source name -> target name for classes
            that the two lists spell differently (e.g. ``{'sad': 'sadness'}``).
            Defaults to None (same names).

    Returns:
        tuple[int, ...]: For source index ``i``, the target index of the same class.

    Raises:
        ValueError: A source class has no target class of that name, or ``renames``
            names a class that is not in ``source_classes``.
    """
    renames = dict(renames or {})
    unknown = sorted(set(renames) - set(source_classes))
    if unknown:
        raise ValueError(f'renames {unknown} are not classes of '
                         f'{tuple(source_classes)}; rename existing classes only')
    target_index = {name: index for index, name in enumerate(target_classes)}
    indices = []
    for name in source_classes:
        target_name = renames.get(name, name)
        if target_name not in target_index:
            raise ValueError(f'class {name!r} has no counterpart named {target_name!r} in '
                             f'{tuple(target_classes)}; map it with renames '
                             f'(e.g. {{{name!r}: {target_classes[0]!r}}}) or use a target '
                             'set that has it')
        indices.append(target_index[target_name])
    return tuple(indices)
