"""One source of truth for expression class names and their order per dataset."""

#: CK+ order of the emotion codes 1..7 in ``Emotion/*_emotion.txt`` (code - 1 = index).
CKPLUS_CLASSES = ('anger', 'contempt', 'disgust', 'fear', 'happy', 'sadness',
                  'surprise')

#: The six basic expressions used by MMI and Oulu-CASIA.
BASIC6_CLASSES = ('anger', 'disgust', 'fear', 'happy', 'sadness', 'surprise')

#: AffectNet's seven basic expressions without neutral, in AffectNet code order
#: (1 happy, 2 sad, 3 surprise, 4 fear, 5 disgust, 6 anger, 7 contempt).
AFFECTNET7_CLASSES = ('happy', 'sadness', 'surprise', 'fear', 'disgust',
                      'anger', 'contempt')
