"""Code shared by the dataset converters in tools/dataset_converters/."""
