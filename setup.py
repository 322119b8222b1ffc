from setuptools import find_packages, setup


def readme():
    with open('README.md', encoding='utf-8') as file:
        return file.read()


version = {}
with open('mmfmpn/version.py') as file:
    exec(file.read(), version)

setup(
    name='mmfmpn',
    version=version['__version__'],
    description='Facial Motion Prior Networks for facial expression '
    'recognition, as an OpenMMLab MMPretrain plugin',
    long_description=readme(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['mmfmpn', 'mmfmpn.*']),
    python_requires='>=3.8',
    install_requires=[
        # torchvision picks its matching torch; mmpretrain 1.2 needs it.
        'torch>=1.13',
        'torchvision',
        'mmpretrain>=1.2.0,<2.0',
        'mmengine>=0.10.4,<1.0',
        # mmcv-lite is enough for classification. GPU users who already have
        # a full mmcv: `pip install --no-deps -e .` keeps it (never both).
        'mmcv-lite>=2.0.0,<2.2.0',
        'numpy',
        'opencv-python',
        # Face detector of the inference API: only the MTCNN weights inside
        # the wheel are used (run in PyTorch); its TensorFlow code never is.
        'mtcnn==1.0.0',
        # mmengine resolves `mmpretrain::` base configs via pkg_resources.
        'setuptools<82',
    ],
    extras_require={
        'deploy': ['onnx', 'onnxruntime'],
        'tests': ['pytest>=7', 'onnx', 'onnxruntime'],
    },
    zip_safe=False,
)
