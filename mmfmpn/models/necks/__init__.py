from .flatten import FlattenNeck

__all__ = ['FlattenNeck']
