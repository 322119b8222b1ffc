import os
import os.path as osp
import shutil
import sys
from setuptools import find_packages, setup

#: What `mim` and the model hub read from ``mmfmpn/.mim`` of an installed
#: package: the configs, the tools and the model index of the configs.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def readme():
    with open('README.md', encoding='utf-8') as file:
        return file.read()


def add_mim_extension():
    """Put the configs, the tools and the model index into ``mmfmpn/.mim``.

    As MMPretrain's setup.py: an editable install links them (so they follow
    the checkout), a wheel or sdist build copies them (so the installed
    package carries them). Any other command (egg_info, ...) leaves
    ``mmfmpn/.mim`` as it is.
    """
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        mode = 'symlink'
    elif 'sdist' in sys.argv or 'bdist_wheel' in sys.argv:
        mode = 'copy'
    else:
        return

    repo_path = osp.dirname(osp.abspath(__file__))
    mim_path = osp.join(repo_path, 'mmfmpn', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for filename in MIM_FILES:
        src_path = osp.join(repo_path, filename)
        tar_path = osp.join(mim_path, filename)
        if osp.islink(tar_path) or osp.isfile(tar_path):
            os.remove(tar_path)
        elif osp.isdir(tar_path):
            shutil.rmtree(tar_path)
        if mode == 'symlink':
            os.symlink(osp.relpath(src_path, mim_path), tar_path)
        elif osp.isdir(src_path):
            shutil.copytree(
                src_path, tar_path, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src_path, tar_path)


version = {}
with open('mmfmpn/version.py') as file:
    exec(file.read(), version)

if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmfmpn',
        version=version['__version__'],
        description='Facial Motion Prior Networks for facial expression '
        'recognition, as an OpenMMLab MMPretrain plugin',
        long_description=readme(),
        long_description_content_type='text/markdown',
        keywords='computer vision, facial expression recognition, '
        'image classification, mmpretrain',
        author='mmfmpn contributors',
        license='Apache-2.0',
        license_files=['LICENSE'],
        classifiers=[
            'Development Status :: 4 - Beta',
            'License :: OSI Approved :: Apache Software License',
            'Operating System :: OS Independent',
            'Programming Language :: Python :: 3',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
            'Topic :: Scientific/Engineering :: Image Recognition',
        ],
        packages=find_packages(include=['mmfmpn', 'mmfmpn.*']),
        # MANIFEST.in lists the mmfmpn/.mim files the wheel carries.
        include_package_data=True,
        python_requires='>=3.8',
        install_requires=[
            # torchvision picks its matching torch; mmpretrain 1.2 needs it.
            'torch>=1.13',
            'torchvision',
            'mmpretrain>=1.2.0,<2.0',
            'mmengine>=0.10.4,<1.0',
            # mmcv-lite is enough for classification. GPU users who already
            # have a full mmcv: `pip install --no-deps -e .` keeps it (never
            # both).
            'mmcv-lite>=2.0.0,<2.2.0',
            'numpy',
            'opencv-python',
            # Delaunay mesh of the real-face expression warp.
            'scipy',
            # ROC AUC of the real-photo smile check; I2CNN's classifier (a
            # support vector machine on the patch features).
            'scikit-learn',
            # Face detector of the inference API: only the MTCNN weights
            # inside the wheel are used (run in PyTorch); its TensorFlow code
            # never is.
            'mtcnn==1.0.0',
            # mmengine resolves `mmpretrain::` base configs via pkg_resources
            # (gone in 82). 70.1 builds wheels without the `wheel` package,
            # and the lower bound keeps openmim's dependency openxlab from
            # pulling setuptools 60 into the same install.
            'setuptools>=70.1,<82',
        ],
        extras_require={
            'deploy': ['onnx', 'onnxruntime'],
            # `mim train/test/run mmfmpn ...`; install it together with
            # mmfmpn (`pip install "mmfmpn[mim]"`) so that the setuptools
            # bound above holds.
            'mim': ['openmim>=0.3.9'],
            # mmengine's TensorboardVisBackend (torch's SummaryWriter). Its
            # error message also asks for `future`, which torch 2 does not
            # need.
            'tensorboard': ['tensorboard'],
            'lint': ['flake8', 'isort', 'yapf'],
            'tests': ['pytest>=7', 'onnx', 'onnxruntime', 'flake8', 'isort', 'yapf'],
        },
        zip_safe=False,
    )
