from .classifiers import *  # noqa: F401,F403
from .data_preprocessors import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .pretrainers import *  # noqa: F401,F403
from .priors import *  # noqa: F401,F403
