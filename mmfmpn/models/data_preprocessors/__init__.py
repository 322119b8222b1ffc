from .fmpn_data_preprocessor import FMPNDataPreprocessor

__all__ = ['FMPNDataPreprocessor']
